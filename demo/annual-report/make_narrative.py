"""Writes narrative-2017-18.txt from the seed report (Safer Wolverhampton Partnership Annual Report 2017-2018).

Lines 1-572 (the narrative and Appendix A's typed sentence) are copied as they are. Appendix C's tables are data, not
narrative, and are left out; each KPI row's typed commentary is kept on the line it has in the seed, after the KPI's
name (the row's first cell without its printed baseline), so the checker reads the commentary as a paragraph about
that KPI. Every line keeps the seed's line number.

Run from the repository root: python3 demo/annual-report/make_narrative.py /path/to/000_48b492cd11c0fc39.txt
"""
import re
import sys

seed = open(sys.argv[1], encoding='utf-8').read().split('\n')
out = []
for number, line in enumerate(seed, start=1):
    if number <= 572:
        out.append(line)
        continue
    cells = [c.strip() for c in line.split('\t')]
    if number < 596 or len(cells) < 4:
        out.append('')
        continue
    commentary = max((c for c in cells[1:] if not re.match(r"^[\d<]", c)), key=len, default="")
    if len(commentary) < 40 or commentary.startswith('Custody assessments') is False and 'Commentary' in commentary:
        out.append('')
        continue
    name = re.sub(r'\s*Baseline.*$', '', cells[0])
    out.append(f'{name}: {commentary}' if name else commentary)
open('demo/annual-report/seed-narrative-2017-18.txt', 'w', encoding='utf-8').write('\n'.join(out))
