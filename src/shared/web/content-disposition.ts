/**
 * A `Content-Disposition: attachment` header value per RFC 6266: a plain ASCII `filename` for old clients and an
 * RFC 8187 `filename*` with the exact UTF-8 name. Quotes, backslashes, control characters and path separators are
 * replaced, so a name can never end the header or inject another (ASVS 5.4.2).
 *
 * @example attachment('report 2017-18.csv') // `attachment; filename="report 2017-18.csv"; filename*=UTF-8''report%202017-18.csv`
 */
export function attachment(filename: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = filename.replace(/[\u0000-\u001F\u007F/\\]/g, '_').trim() || 'download'
  const ascii = cleaned.replace(/[^\x20-\x7E]/g, '_').replace(/["%]/g, '_')
  const encoded = encodeURIComponent(cleaned).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`
}

/**
 * A file-name-safe form of a name: lower case ASCII letters, digits and hyphens.
 *
 * @example fileSlug('Safer Wolverhampton Partnership') // 'safer-wolverhampton-partnership'
 */
export function fileSlug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
}
