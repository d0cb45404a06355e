/**
 * `--query`: a JMESPath expression (the full language, through @jmespath-community/jmespath)
 * applied to a command's data before it is formatted, as `az` and azsphere do
 * (`--query deviceId -o tsv`). The library loads only when a query is given, so start-up stays
 * as fast without it. Bad syntax, an unknown function or a wrongly typed argument is a usage
 * error (exit 2) naming the expression.
 */
import { UsageError } from '../image-builder/errors';

function bad(text: string, e: unknown): UsageError {
  const why = String((e as Error)?.message ?? e).replace(/\s+/g, ' ').replace(/\.$/, '');
  return new UsageError(`Cannot use query "${text}": ${why}. See JMESPath syntax (jmespath.org), e.g. --query "[0].deviceId".`, { code: 'BAD_QUERY' });
}

/** Compiles a query once; throws UsageError (exit 2) for bad syntax, and the evaluator throws it for a failing call. */
export async function compileQuery(text: string): Promise<(data: unknown) => unknown> {
  const { compile, TreeInterpreter } = await import('@jmespath-community/jmespath');
  let ast: ReturnType<typeof compile>;
  try { ast = compile(text); } catch (e) { throw bad(text, e); }
  return (data) => {
    try {
      // JSON round trip: the library sees plain JSON values (no undefined, no class instances).
      return TreeInterpreter.search(ast, JSON.parse(JSON.stringify(data ?? null)) as Parameters<typeof TreeInterpreter.search>[1]);
    } catch (e) { throw bad(text, e); }
  };
}
