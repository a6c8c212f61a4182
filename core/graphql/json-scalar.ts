import { valueFromASTUntyped, type GraphQLScalarLiteralParser } from 'graphql';

/**
 * The JSON scalar's behaviour, any JSON value passed through as it is (the QA report). A plain
 * object of `__` hooks, not a GraphQLScalarType, so the schema file's description stays.
 */
export const jsonScalar = {
  __serialize: (v: unknown) => v,
  __parseValue: (v: unknown) => v,
  __parseLiteral: ((ast, variables) => valueFromASTUntyped(ast, variables)) as GraphQLScalarLiteralParser<unknown>,
};
