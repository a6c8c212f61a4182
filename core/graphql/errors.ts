import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError } from 'graphql-yoga';
import { DubarrError, ERROR_TABLE } from '../../plugins/sdk/errors.js';

/** The DubarrError a resolver threw, however deep graphql-js wrapped it. */
function codedCause(error: unknown): DubarrError | undefined {
  for (let e = error, i = 0; e && i < 5; i++) {
    if (e instanceof DubarrError) return e;
    e = e instanceof GraphQLError ? e.originalError : undefined;
  }
  return undefined;
}

/**
 * Coded errors reach the client as they are, with `extensions.code` and `.hint` (a client acts
 * on the code); anything else (a bug, a library's message that may name files) is masked as
 * E_INTERNAL, and so is an E_INTERNAL DubarrError, which wraps an unknown error's message.
 */
export function maskError(error: unknown, message: string): Error {
  const coded = codedCause(error);
  const at = error instanceof GraphQLError ? { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path } : {};
  if (coded && coded.code !== 'E_INTERNAL') {
    return new GraphQLError(coded.message, { ...at, extensions: { code: coded.code, hint: coded.hint } });
  }
  const masked = yogaMaskError(error, message, false);
  if (masked === error) return masked; // GraphQL's own errors (syntax, validation, variables)
  return new GraphQLError(message, { ...at, extensions: { ...(masked as GraphQLError).extensions, code: 'E_INTERNAL', hint: ERROR_TABLE.E_INTERNAL.hint } });
}
