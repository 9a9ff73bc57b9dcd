// Rebuilding serialised functions (evaluate, function mocks). Function.prototype.toString gives
// an expression for `function`/arrow functions but not for method shorthand ("foo() {}"), which
// the client also accepts, so fall back to prefixing `function`.
import vm from 'vm';

export function functionExpression(decl: string): string {
  const src = decl.trim();
  const candidates = [src, src.replace(/^(async\s+)?/, (m) => `${m}function `)];
  for (const c of candidates) {
    try {
      new vm.Script(`(${c})`);
      return c;
    } catch {
      /* try the next form */
    }
  }
  throw new SyntaxError(`cannot parse function declaration: ${src.slice(0, 80)}`);
}
