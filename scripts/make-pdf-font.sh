#!/usr/bin/env bash
# Regenerates crates/pdf/fonts/mamori-ja.otf: Noto Sans CJK JP Regular (SIL OFL 1.1, from
# Debian's fonts-noto-cjk) subset to ASCII, kana, the CJK punctuation and full-width forms, and
# every character of Shift_JIS (cp932: JIS X 0208 levels 1 and 2 plus the usual extensions),
# which covers what the official checklists print. Needs fonttools (pip install fonttools).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
src=/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
python3 - "$here/target/mamori-ja-chars.txt" <<'PY'
import sys
chars = set(chr(c) for c in range(0x20, 0x7f))
for hi in range(0x81, 0xf0):
    for lo in range(0x40, 0xfd):
        try:
            chars.update(bytes([hi, lo]).decode("cp932"))
        except UnicodeDecodeError:
            pass
chars.update("〜～－・「」『』【】（）［］｛｝▶①②③④⑤⑥⑦⑧⑨⑩")
open(sys.argv[1], "w", encoding="utf-8").write("".join(sorted(chars)))
PY
mkdir -p "$here/crates/pdf/fonts"
pyftsubset "$src" --font-number=0 --text-file="$here/target/mamori-ja-chars.txt" \
  --layout-features='*' --no-hinting --desubroutinize \
  --output-file="$here/crates/pdf/fonts/mamori-ja.otf"
ls -l "$here/crates/pdf/fonts/mamori-ja.otf"
