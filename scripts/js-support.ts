// What JavaScript the upload may contain. project.config.json turns "compile JS to ES5" off (es6 and
// enhance false), so the TypeScript plugin only strips types and the phone runs the syntax we wrote.
// The oldest runtime base library 3.5.8 reaches is iOS 13's JavaScriptCore (Android: Chrome 86 V8);
// docs/reference/javascript-support.md has the sources. ES2019 syntax parses there; ?., ??, class
// fields, logical assignment, BigInt and regex lookbehind do not, and a page whose file fails to
// parse never loads. Used by scripts/mp-compile-check.ts on miniprogram-ci's compiled output.
import { parse, tokTypes } from 'acorn';

/** The newest syntax every supported phone parses (ES2019; ES2020's ?. and ?? need iOS 13.4). */
export const SHIPPED_ECMA_VERSION = 2019;

/**
 * Files of the compiled upload whose syntax a supported phone cannot parse, and the Babel helpers
 * (`@babel/runtime`, regenerator) an ES5 build would add back to the main package.
 */
export function unsupportedJs(result: Record<string, string | Buffer>): string[] {
  const problems: string[] = [];
  for (const [file, content] of Object.entries(result)) {
    if (!file.endsWith('.js')) continue;
    const code = content.toString();
    if (file.includes('@babel/runtime/') || /\bregeneratorRuntime\b/.test(code)) problems.push(`${file}: Babel helper in the upload (is project.config.json's es6 or enhance on?)`);
    try {
      parse(code, {
        ecmaVersion: SHIPPED_ECMA_VERSION,
        sourceType: 'script',
        allowReturnOutsideFunction: true,
        // Lookbehind is ES2018 but JavaScriptCore parses it only from iOS 16.4.
        onToken: (token) => {
          if (token.type !== tokTypes.regexp) return;
          const literal = code.slice(token.start, token.end);
          if (/(^|[^\\])\(\?<[=!]/.test(literal)) problems.push(`${file}: regex lookbehind ${literal} (iOS 16.4+)`);
        },
      });
    } catch (err) {
      const pos = (err as { pos?: number }).pos ?? 0;
      problems.push(`${file}: not ES${SHIPPED_ECMA_VERSION} (${(err as Error).message}) near \`${code.slice(Math.max(0, pos - 30), pos + 30)}\``);
    }
  }
  return problems;
}
