// Adds up vitest JSON reports and prints the plain closing line CI reads:
// "total: N passed, N failed" (and skipped, when any were).
import { readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
}

const rest = skipped > 0 ? `, ${skipped} skipped` : '';
console.log(`total: ${passed} passed, ${failed} failed${rest}`);
