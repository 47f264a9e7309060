#!/usr/bin/env bash
# One command: install youzhi and run the main job on the bundled example workbook.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
example="examples/示範高中_114.xlsx"
mkdir -p out   # the demo's own outputs: rewritten on every run (--force)
yz=.venv/bin/youzhi
echo "== youzhi rollup $example"
$yz rollup "$example"
echo
echo "== youzhi check $example --annotate out/示範高中_114_檢核.xlsx"
$yz check "$example" --annotate "out/示範高中_114_檢核.xlsx" --force || true   # exit 1 = error findings
echo
echo "== youzhi repair $example -o out/示範高中_114_修復.xlsx"
$yz repair "$example" -o "out/示範高中_114_修復.xlsx" --force
echo
echo "== youzhi batch examples -o out/批次檢核報表.xlsx"
$yz batch examples -o "out/批次檢核報表.xlsx" --force || true
echo
echo "Outputs are in out/ ; the example itself was not modified."
