import { Hono } from 'hono';
import type { Runtime } from '../app/runtime.js';
import type { GraphqlServices } from '../graphql/resolvers.js';
import { createGraphqlServer } from '../graphql/yoga.js';
import { systemInfo } from '../service/system-info.js';

/** The services GraphQL resolvers call: the jobs service and read-only views of presets, providers and the system. */
export function graphqlServices(rt: Runtime): GraphqlServices {
  return {
    jobs: rt.jobs,
    catalog: rt.catalog,
    library: rt.library,
    models: rt.models,
    system: () => systemInfo({ config: rt.config, jobs: rt.jobs, cacheIndex: rt.cacheIndex, workerThreads: rt.pool.threads }),
  };
}

/** GraphQL at /graphql over HTTP (POST and GET; subscriptions as server-sent events), behind the request guard. */
export function graphqlRoutes(rt: Runtime): Hono {
  const yoga = createGraphqlServer(graphqlServices(rt), { graphiql: rt.config.server.graphiql, log: rt.log });
  const app = new Hono();
  app.on(['GET', 'POST'], '/graphql', (c) => yoga.fetch(c.req.raw));
  return app;
}
