#!/usr/bin/env node
// Independent oracle for kiosk-printer: decodes an ESC/POS byte stream with npm `npos` (not written by us).
//
// Usage: node decode.js <stream.bin> <out-dir>
// Writes every raster entry (GS v 0 bands, merged by npos when consecutive) as <out-dir>/raster-<n>.bmp and
// prints one JSON object on stdout: {"rasters": [{file, width, height}], "texts": ["..."], "commands": [...]}.
// Exits non-zero when npos cannot parse the stream (an unknown or malformed command).
'use strict';

const fs = require('fs');
const path = require('path');
const npos = require('npos');

const [input, outDir] = process.argv.slice(2);
if (!input || !outDir) {
  console.error('usage: node decode.js <stream.bin> <out-dir>');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });

const buf = fs.readFileSync(input);
const parser = npos.parser();

parser.parse(buf).then((ast) => {
  if (ast.error) throw ast.error;
  const rasters = [];
  const texts = [];
  for (const entry of ast.entries) {
    if (entry.type === 'raster') {
      const file = path.join(outDir, `raster-${rasters.length}.bmp`);
      entry.data.save(file);
      rasters.push({ file, width: entry.data.width, height: entry.data.height });
    } else if (entry.type === 'text' && entry.data) {
      texts.push(entry.data.toString('latin1'));
    }
  }
  const commands = ast.tree.map((n) => n.ascii + (n.fn || ''));
  process.stdout.write(JSON.stringify({ rasters, texts, commands }) + '\n');
}).catch((err) => {
  console.error('npos could not parse the stream: ' + (err && err.message ? err.message : err));
  process.exit(1);
});
