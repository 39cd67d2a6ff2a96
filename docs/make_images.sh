#!/bin/sh
# Renders the memo images shown in the README: for each report given, the DOCX letter (through
# LibreOffice to PDF, then pdftoppm to PNG) and the HTML memo (headless Chromium), optionally opened
# at a cell (REPORT#cell-id). Re-run it on any reports, e.g. after new corpus reports are readable:
#   docs/make_images.sh examples/wangchuan_2023_flawed.txt ../shared/seeds/004_*.txt
# Needs (Debian): libreoffice-writer-nogui fonts-noto-cjk poppler-utils chromium; and the project's
# venv (.venv/bin/extractor, Pillow from pdfplumber) to shrink the PNGs (README images stay < 300 KB).
set -eu
cd "$(dirname "$0")/.."
BIN=${EXTRACTOR:-.venv/bin/extractor}
PY=${PYTHON:-.venv/bin/python}
OUT=${OUT:-docs}
FROM=${FROM:-云溪区人民政府办公室}
DATE=${DATE:-2024-03-01}
DEADLINE=${DEADLINE:-2024年3月31日}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# The letter asks for 仿宋 and 黑体 (what Word on an office PC has); here they are the Noto CJK faces.
cat > "$WORK/fonts.conf" <<'XML'
<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include>
<alias binding="same"><family>仿宋</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
<alias binding="same"><family>黑体</family><prefer><family>Noto Sans CJK SC</family></prefer></alias>
</fontconfig>
XML
export FONTCONFIG_FILE="$WORK/fonts.conf"

for arg in "$@"; do
  report=${arg%%#*}
  anchor=""
  [ "$report" != "$arg" ] && anchor="#${arg#*#}"
  stem=$(basename "$report" | sed 's/\.[^.]*$//' | cut -c1-24)
  "$BIN" review "$report" -o "$WORK/$stem.docx" --from "$FROM" --date "$DATE" --deadline "$DEADLINE" --exit-zero
  "$BIN" review "$report" -o "$WORK/$stem.html" --from "$FROM" --date "$DATE" --deadline "$DEADLINE" --exit-zero
  soffice --headless --convert-to pdf --outdir "$WORK" "$WORK/$stem.docx" >/dev/null 2>&1
  pdftoppm -r 72 -png -f 1 -l 2 "$WORK/$stem.pdf" "$WORK/$stem-docx"
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1360,900 \
    --screenshot="$WORK/$stem-html.png" "file://$WORK/$stem.html$anchor" >/dev/null 2>&1
  for png in "$WORK/$stem"-*.png; do
    "$PY" - "$png" "$OUT/memo-$(basename "$png")" <<'PY'
import sys
from PIL import Image
Image.open(sys.argv[1]).convert("RGB").quantize(colors=96).save(sys.argv[2], optimize=True)
PY
  done
done
ls -l "$OUT"/memo-*.png
