#!/usr/bin/env node
// Lint Cypher files for Neo4j 5 with Neo4j's own parser and semantic analysis
// (npm package @neo4j-cypher/language-support, pinned in /work/main/package.json).
//
// Usage:   node tests/tools/lint_cypher.mjs FILE.cypher [FILE.cypher ...]
//          (input is file paths as arguments; stdin is not read)
//
// Each file is split into statements at every `;` that ends a line (trailing
// spaces and a trailing `// comment` after the `;` are allowed; a line that is
// itself a `//` comment never ends a statement). A `;` in the middle of a line
// does not split, but the library then parses both statements itself. Empty
// statements and statements made only of comments are skipped. Every other
// statement is linted on its own with lintCypherQuery(statement, {}) — an empty
// schema, so the Cypher version is the library default, `CYPHER 5`, and no
// label/property/function/procedure checks against a database are made.
//
// Output: ONE JSON document on stdout, a list with one object per diagnostic:
//   {
//     "file":            the path as given on the command line,
//     "statement_index": 0-based index among the linted (non-empty) statements of the file,
//     "severity":        "Error" | "Warning" | "Information" | "Hint",
//     "severity_code":   the LSP number as returned by the library: 1=Error 2=Warning 3=Information 4=Hint,
//     "undefined_parameter": true for the library's "Parameter $x is not defined." diagnostic,
//                        which it reports with severity Error because the schema declares no
//                        parameters; it is expected and is NOT a failure,
//     "message":         the library's message,
//     "line", "column":  1-based position of the diagnostic's start in the FILE,
//     "end_line", "end_column": 1-based position of its end in the file
//   }
// A failure is severity_code == 1 and not undefined_parameter.
//
// Exit code: 0 when the tool ran (whatever diagnostics it found); 2 on a usage
// error or an unreadable file; 1 when the library failed (import error, crash,
// or the start-up self-check below). Messages about tool failures go to stderr.

import { readFileSync } from 'node:fs';

const SEVERITY_NAMES = { 1: 'Error', 2: 'Warning', 3: 'Information', 4: 'Hint' };

function fail(code, message) {
  process.stderr.write(`lint_cypher: ${message}\n`);
  process.exitCode = code;
}

// A line ends a statement when it ends with `;`, optionally followed by blanks
// and a `// comment`. A line that is itself a `//` comment never ends one.
const STATEMENT_END = /;[ \t]*(?:\/\/.*)?$/;

/** Split text into [{text, startLine}] where startLine is the 0-based file line of text[0]. */
function splitStatements(text) {
  const pieces = [];
  let start = 0;
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    const m = line.trimStart().startsWith('//') ? null : STATEMENT_END.exec(line);
    if (m) {
      pieces.push([start, lineStart + m.index]);
      start = lineEnd + 1; // next statement starts at column 0 of the next line
    }
    lineStart = lineEnd + 1;
  }
  if (start < text.length) pieces.push([start, text.length]);
  const statements = [];
  for (const [from, to] of pieces) {
    const body = text.slice(from, to);
    if (isBlank(body)) continue;
    statements.push({ text: body, startLine: countNewlines(text, from) });
  }
  return statements;
}

function countNewlines(text, end) {
  let n = 0;
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** True when the statement is empty or holds only `//` and block comments. */
function isBlank(body) {
  const stripped = body
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split(/\r?\n/)
    .filter((line) => !line.trim().startsWith('//'))
    .join('\n');
  return stripped.trim() === '';
}

async function main(argv) {
  if (argv.length === 0 || argv.includes('-h') || argv.includes('--help')) {
    fail(2, 'usage: node lint_cypher.mjs FILE.cypher [FILE.cypher ...]');
    return;
  }

  let lib;
  try {
    lib = await import('@neo4j-cypher/language-support');
  } catch (err) {
    fail(1, `cannot import @neo4j-cypher/language-support (run \`npm ci\` in the repository root): ${err?.message ?? err}`);
    return;
  }
  const { lintCypherQuery, isNotParamError } = lib;
  const options = { consoleCommandsEnabled: false };

  // Self-check: the library swallows exceptions of its semantic analysis and then
  // silently reports nothing. Make sure both layers really run before trusting a
  // clean result.
  const probeSemantic = lintCypherQuery('MATCH (a) RETURN b', {}, options).diagnostics;
  const probeSyntax = lintCypherQuery('MATCH (a RETURN a', {}, options).diagnostics;
  if (!probeSemantic.some((d) => d.severity === 1 && /not defined/.test(d.message)) ||
      !probeSyntax.some((d) => d.severity === 1)) {
    fail(1, 'self-check failed: the Cypher linter reported no error for known-bad queries; '
      + `semantic=${JSON.stringify(probeSemantic)} syntax=${JSON.stringify(probeSyntax)}`);
    return;
  }

  const results = [];
  for (const file of argv) {
    let text;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      fail(2, `cannot read ${file}: ${err.message}`);
      return;
    }
    const statements = splitStatements(text);
    statements.forEach((stmt, index) => {
      const { diagnostics } = lintCypherQuery(stmt.text, {}, options);
      for (const d of diagnostics) {
        const start = d.range.start;
        const end = d.range.end;
        results.push({
          file,
          statement_index: index,
          severity: SEVERITY_NAMES[d.severity] ?? String(d.severity),
          severity_code: d.severity,
          undefined_parameter: !isNotParamError(d),
          message: d.message,
          // Statements begin at column 0 of a line (or at offset 0 of the file),
          // so only the line needs shifting.
          line: stmt.startLine + start.line + 1,
          column: start.character + 1,
          end_line: stmt.startLine + end.line + 1,
          end_column: end.character + 1,
        });
      }
    });
  }
  process.stdout.write(JSON.stringify(results, null, 1) + '\n');
}

try {
  await main(process.argv.slice(2));
} catch (err) {
  fail(1, `internal error: ${err?.stack ?? err}`);
}
