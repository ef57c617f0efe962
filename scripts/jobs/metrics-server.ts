import { createServer, type Server } from 'node:http';
import { Gauge, type Registry } from 'prom-client';

/**
 * Serves a registry's Prometheus text on `GET /metrics` (anything else is
 * 404), and adds `otcwatch_queue_jobs{state}`, read from the queue at each
 * scrape by `queueDepth` (null when there is no queue yet).
 *
 * @example
 * const server = await serveMetrics({ registry: metrics.registry, port: 9464, host: '127.0.0.1', queueDepth });
 * // curl http://127.0.0.1:9464/metrics
 */
export async function serveMetrics(props: MetricsServerProps): Promise<Server> {
  const { registry } = props;
  new Gauge({
    name: 'otcwatch_queue_jobs',
    help: 'Crawl jobs on the pg-boss queue, by state, at scrape time.',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await props.queueDepth().catch(() => null);
      for (const [state, n] of Object.entries(counts ?? {})) this.set({ state }, n);
    },
  });
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: Error) => response.writeHead(500).end(error.message),
    );
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(props.port, props.host, () => resolve()));
  return server;
}

export interface MetricsServerProps {
  registry: Registry;
  port: number;
  host: string;
  queueDepth: () => Promise<Record<string, number> | null>;
}
