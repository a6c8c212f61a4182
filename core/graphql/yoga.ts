import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { useGraphQlJit } from '@envelop/graphql-jit';
import type { GraphQLError } from 'graphql';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createSchema, createYoga, type YogaServerInstance } from 'graphql-yoga';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_TABLE } from '../../plugins/sdk/errors.js';
import { packageRoot } from '../app/paths.js';
import type { Logger } from '../app/logger.js';
import { maskError } from './errors.js';
import { variableCostPlugin } from './variable-cost.js';
import { resolvers, type GraphqlContext, type GraphqlServices } from './resolvers.js';

/** The schema, written first; the server loads it as it is. */
export const SCHEMA_FILE = join(packageRoot, 'schemas', 'graphql', 'schema.graphql');

/**
 * The deepest query the schema has any use for is jobs.edges.node.stages.error.code (6);
 * beyond that a query can only be digging through __type introspection. __schema, what
 * GraphiQL and code generators send, is not counted.
 */
export const MAX_DEPTH = 6;
/**
 * armor's cost: 2 per object, 1 per scalar, growing with depth and multiplied by a literal
 * `first`. A page of 100 jobs with every field (stages, artifacts, QA report) costs 12,500 and
 * passes; 500 of them (58,750) do not: ask for fewer fields or page with `after`. A `first`
 * given as a variable counts the same: armor cannot see variables when it validates, so
 * variableCostPlugin estimates again with their values when the operation runs.
 */
export const MAX_COST = 20_000;

export interface GraphqlServerOptions {
  /** GraphiQL for browsers (server.graphiql). */
  graphiql: boolean;
  log: Logger;
}

/** Armor's rejections say what limit was passed; this gives them our code and hint too. */
function coded(_: unknown, err: GraphQLError): void {
  Object.assign(err.extensions, { code: 'E_QUERY_TOO_COMPLEX', hint: ERROR_TABLE.E_QUERY_TOO_COMPLEX.hint });
}

export function graphqlSchema() {
  return createSchema<GraphqlContext>({ typeDefs: readFileSync(SCHEMA_FILE, 'utf8'), resolvers });
}

export type GraphqlServer = YogaServerInstance<object, GraphqlContext>;

/**
 * The GraphQL server for HTTP (queries, mutations, subscriptions as server-sent events) and,
 * through getEnveloped, for WebSocket: the same schema, limits and error masking on both.
 * CORS and the API key are the HTTP guard's (and the WebSocket upgrade's) business, not yoga's.
 */
export function createGraphqlServer(services: GraphqlServices, o: GraphqlServerOptions): GraphqlServer {
  const log = o.log.child({ component: 'graphql' });
  return createYoga<object, GraphqlContext>({
    schema: graphqlSchema(),
    graphqlEndpoint: '/graphql',
    graphiql: o.graphiql,
    // yoga's own GraphiQL page loads its scripts from a CDN; this one carries them, so it works
    // on a server with no internet, like the rest of dubarr's pages.
    renderGraphiQL,
    landingPage: false,
    cors: false,
    multipart: false,
    maskedErrors: { maskError, isDev: false },
    context: () => ({ services }),
    logging: {
      debug: (...a: unknown[]) => log.debug({ detail: a.map(String) }, 'yoga'),
      info: (...a: unknown[]) => log.info({ detail: a.map(String) }, 'yoga'),
      warn: (...a: unknown[]) => log.warn({ detail: a.map(String) }, 'yoga'),
      error: (...a: unknown[]) => log.error({ detail: a.map(String) }, 'yoga'),
    },
    plugins: [
      // A fragment is a way of writing fields, not a level: clients that use them (most do) count as if written out.
      maxDepthPlugin({ n: MAX_DEPTH, flattenFragments: true, onReject: [coded] }),
      costLimitPlugin({ maxCost: MAX_COST, onReject: [coded] }),
      variableCostPlugin({ maxCost: MAX_COST, onReject: coded }),
      // Queries compiled to plain functions, once per document (yoga's parse cache bounds how
      // many): a page of 50 jobs with their stages costs about 40 % less CPU than graphql-js's
      // interpreter walking ~8,000 fields. A query it cannot compile answers its errors as usual.
      useGraphQlJit({}, { onError: (e: unknown) => log.debug({ err: String(e) }, 'graphql-jit could not compile a query') }),
    ],
  });
}
