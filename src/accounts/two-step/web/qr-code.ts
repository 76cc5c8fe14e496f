import QRCode from 'qrcode'

/**
 * The otpauth URI as an inline SVG QR code for the set-up page: `role="img"` with a `<title>` for its accessible
 * name (screen readers announce an image, not a grid of paths), a fixed size, and nothing the page's Content
 * Security Policy would block (the qrcode package writes only `fill` and `stroke` attributes: no style, no script).
 * The URI itself is inside the QR code's paths only, never in the markup as text.
 *
 * @example await qrCodeSvg('otpauth://totp/…', 'QR code to scan with your authenticator app')
 */
export async function qrCodeSvg(uri: string, accessibleName: string): Promise<string> {
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 })
  const title = accessibleName.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)
  const opened = svg.replace(
    /^<svg /,
    '<svg role="img" aria-labelledby="two-step-qr-title" width="220" height="220" class="app-two-step-qr" ',
  )
  if (opened === svg) throw new Error('The QR code is not the SVG expected')
  return opened.replace(/^(<svg [^>]*>)/, `$1<title id="two-step-qr-title">${title}</title>`)
}
