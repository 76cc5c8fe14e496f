"""An independent count of data.police.uk street-level files, for saferhub's tests: Python's own csv module reads
the files and the lookups, so the expected figures do not come from the code under test.

Usage: python3 independent-counts.py REFERENCE_DIR SERVED_CODES FILE...
  REFERENCE_DIR  the folder with lsoa-to-district.csv.gz, district-partnership-force.csv, district-successors.csv
  SERVED_CODES   comma-separated partnership codes whose counts by LSOA are wanted ('' for none)
  FILE           street-level CSV files; a zip archive's members as ZIP!MEMBER

Prints JSON: for each file, its rows, rows without a location, rows in partnerships of another force area, rows
whose LSOA has no single partnership, and counts keyed "partnership|crime type" and "lsoa|partnership|crime type".
"""
import collections
import csv
import gzip
import io
import json
import sys
import zipfile

reference, served_codes, files = sys.argv[1], sys.argv[2], sys.argv[3:]
served = set(code for code in served_codes.split(',') if code)

with gzip.open(f'{reference}/lsoa-to-district.csv.gz', 'rt', newline='') as f:
    district_of_lsoa = {row['lsoa_code']: row['district_code'] for row in csv.DictReader(f)}
partnerships_of_district = collections.defaultdict(list)
force_area_of_partnership = {}
with open(f'{reference}/district-partnership-force.csv', newline='') as f:
    for row in csv.DictReader(f):
        partnerships_of_district[row['district_code']].append(row['partnership_code'])
        force_area_of_partnership[row['partnership_code']] = row['force_area_code']
with open(f'{reference}/district-successors.csv', newline='') as f:
    successors = {row['old_district_code']: row for row in csv.DictReader(f)}

# The forces of the test files, and their ONS police force areas (from the LAD23_CSP23_PFA23 lookup's PFA23CD);
# rows in another force area are counted for these forces only.
FORCE_AREAS = {
    'Gwent Police': 'W15000002',
    'Cumbria Constabulary': 'E23000002',
    'North Yorkshire Police': 'E23000009',
    'South Wales Police': 'W15000003',
    'West Midlands Police': 'E23000014',
}


def partnership_of(lsoa):
    """The one partnership an LSOA lies in, or None."""
    district = district_of_lsoa.get(lsoa)
    if district is None:
        return None
    named = None
    while district not in partnerships_of_district and district in successors:
        named = successors[district]['partnership_code'] or named
        district = successors[district]['new_district_code']
    candidates = partnerships_of_district.get(district, [])
    if len(candidates) == 1:
        return candidates[0]
    return named if named in candidates else None


def open_text(name):
    if '!' in name:
        archive, member = name.split('!', 1)
        return io.TextIOWrapper(zipfile.ZipFile(archive).open(member), encoding='utf-8-sig', newline='')
    return open(name, encoding='utf-8-sig', newline='')


result = {}
for name in files:
    counts = collections.Counter()
    lsoa_counts = collections.Counter()
    rows = without_location = outside = unmapped = 0
    with open_text(name) as f:
        for row in csv.DictReader(f):
            rows += 1
            lsoa = row['LSOA code'].strip()
            if lsoa == '':
                without_location += 1
                continue
            partnership = partnership_of(lsoa)
            if partnership is None:
                unmapped += 1
                continue
            counts[f"{partnership}|{row['Crime type']}"] += 1
            force_area = FORCE_AREAS.get(row['Falls within'])
            if force_area is None:
                outside = None  # a force not listed above: not counted
            elif outside is not None and force_area_of_partnership[partnership] != force_area:
                outside += 1
            if partnership in served:
                lsoa_counts[f"{lsoa}|{partnership}|{row['Crime type']}"] += 1
    result[name] = {
        'rows': rows,
        'without_location': without_location,
        'outside': outside,
        'unmapped': unmapped,
        'counts': counts,
        'lsoa_counts': lsoa_counts,
    }
json.dump(result, sys.stdout, sort_keys=True)
