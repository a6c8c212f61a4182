import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { getOperationAST, GraphQLError, Kind, validate, visit, type DocumentNode, type GraphQLSchema, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** The arguments armor multiplies a list's cost by. */
const PAGE_ARGUMENTS = new Set(['first', 'last']);

export interface VariableCostOptions {
  maxCost: number;
  /** Called with armor's rejection before it is answered (to give it our code and hint). */
  onReject: (context: ValidationContext | null, err: GraphQLError) => void;
}

/**
 * armor's cost limit runs when yoga validates a document: before the variables are known (and
 * yoga caches that result per document), so `jobs(first: $n)` counts as a page of one whatever
 * $n is. This runs the same estimate again when the operation executes or subscribes, with each
 * `first`/`last` variable replaced by its value (or its default), and answers the same coded
 * error when that passes the limit. Operations with literal page sizes are left to validation.
 */
export function variableCostPlugin(o: VariableCostOptions): Plugin {
  const check = (args: { schema: GraphQLSchema; document: DocumentNode; operationName?: string | null; variableValues?: Record<string, unknown> | null }) => {
    const inlined = withPageSizes(args.document, args.operationName, args.variableValues);
    return inlined && overCost(args.schema, inlined, o);
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const err = check(args);
      if (err) setResultAndStopExecution({ errors: [err] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const err = check(args);
      if (err) setResultAndStopExecution({ errors: [err] });
    },
  };
}

/**
 * The operation that runs (with the document's fragments), its page-size variables written in as
 * literals; undefined when it has none whose value is a whole number (nothing to add to what
 * validation saw; a value of another type is graphql's to refuse).
 */
export function withPageSizes(document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | null | undefined): DocumentNode | undefined {
  const operation = getOperationAST(document, operationName);
  if (!operation) return undefined;
  const values = new Map<string, number>();
  for (const def of operation.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    const given = variables && Object.hasOwn(variables, name) ? variables[name] : undefined;
    const value = given ?? (def.defaultValue?.kind === Kind.INT ? Number(def.defaultValue.value) : undefined);
    if (Number.isSafeInteger(value)) values.set(name, value as number);
  }
  let inlined = false;
  const one: DocumentNode = { ...document, definitions: document.definitions.filter((d) => d.kind !== Kind.OPERATION_DEFINITION || d === operation) };
  const out = visit(one, {
    Argument(node) {
      if (!PAGE_ARGUMENTS.has(node.name.value) || node.value.kind !== Kind.VARIABLE) return undefined;
      const value = values.get(node.value.name.value);
      if (value === undefined) return undefined;
      inlined = true;
      return { ...node, value: { kind: Kind.INT, value: String(value) } };
    },
  });
  return inlined ? out : undefined;
}

/** armor's own rule on the inlined document: its rejection, or undefined within the limit. */
function overCost(schema: GraphQLSchema, document: DocumentNode, o: VariableCostOptions): GraphQLError | undefined {
  let rejected: GraphQLError | undefined;
  validate(schema, document, [costLimitRule({
    maxCost: o.maxCost, propagateOnRejection: false,
    onReject: [(context, err) => { o.onReject(context, err); rejected = err; }],
  })]);
  return rejected;
}
