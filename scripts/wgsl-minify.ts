// Shrinks WGSL text for the published bundle (vite.config.ts runs it on every `*.wgsl?raw` import):
// drops `//` and (nested) `/* */` comments, indentation and empty lines, and the blanks inside a line
// wherever the tokens on either side cannot run together. WGSL has no string literals, so `//` and
// `/*` always open a comment, and blanks only separate tokens (template lists are found on tokens,
// not spacing), so the token stream, and the compiled shader, stay the same. Line breaks stay, so
// compiler messages still point at a line. test/reflected.test.ts compiles every kernel minified.

/** Characters of identifiers, keywords and numbers (`.` for 1.5 / .5 / 1e-3 is kept whole below). */
const WORD = /[\p{L}\p{N}_.]/u;
/** Characters of operators that make longer operators when adjacent: && == <= >> -> ++ += /* … */
const OP = /[-+*/%&|^<>=!~]/;

function joinable(a: string, b: string): boolean {
  return !((WORD.test(a) && WORD.test(b)) || (OP.test(a) && OP.test(b)));
}

export function minifyWgsl(code: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < code.length; i++) {
    const two = code.slice(i, i + 2);
    if (depth > 0) {
      if (two === '/*') (depth++, i++);
      else if (two === '*/') (depth--, i++, depth === 0 && (out += '\n'));
      continue;
    }
    if (two === '/*') {
      depth = 1;
      i++;
    } else if (two === '//') {
      while (i < code.length && code[i] !== '\n') i++;
      out += '\n';
    } else {
      out += code[i];
    }
  }
  if (depth > 0) throw new Error('WGSL: unterminated /* comment');
  return out
    .split(/\r?\n/)
    .map((line) => line.trim().replace(/[ \t]+/g, (blank, at: number, s: string) => (joinable(s[at - 1], s[at + blank.length]) ? '' : ' ')))
    .filter((line) => line.length > 0)
    .join('\n');
}
