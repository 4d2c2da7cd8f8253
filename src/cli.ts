import cluster from 'node:cluster';
import { superviseApiProcesses } from './cluster.js';
import { loadUciHistory } from './history/load-history.js';
import { ensureAdminKey, openDatabase, prepare, serve, start, startBanner, worker } from './main.js';
import { modules } from './modules.js';
import { ensureChannelSecretsKey } from './platform/channel-secrets-key.js';
import { type Config, ConfigError, loadConfig } from './platform/config.js';
import { migrateToLatest } from './platform/db/migrate.js';
import { ensureSandboxSecret } from './platform/provider-config.js';
import { ensurePseudonymKey } from './platform/pseudonyms.js';
import { assertPortFree, explainStartupError } from './platform/startup-problem.js';
import { seedDemoData } from './seed.js';

const USAGE = `usage: ordersync <command>
  start     migrate, load demo data into an empty database, serve (what npm start runs)
  serve     serve the API on an already migrated database
  worker    run the relay, the command consumer and the scheduler only (no HTTP; production)
  migrate   bring the database schema up to date
  seed      load the demo catalog, warehouses and stock
  load-history <file.csv[.gz]>
            load the UCI Online Retail history as completed orders (again: adds nothing)
  help      print this (also --help, -h)

Configuration comes from environment variables; README.md lists them.`;

const COMMANDS = new Set(['start', 'serve', 'worker', 'migrate', 'seed', 'load-history']);

async function main(command: string | undefined): Promise<void> {
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!command || !COMMANDS.has(command)) {
    console.error(command ? `ordersync: unknown command "${command}"\n\n${USAGE}` : USAGE);
    process.exitCode = 2;
    return;
  }
  // the embedded demo's sandbox secret, channel key and pseudonym key live in its data directory, made on the first start
  const config = ensurePseudonymKey(ensureChannelSecretsKey(ensureSandboxSecret(loadConfig())));
  try {
    await run(command, config);
  } catch (error) {
    const line = explainStartupError(error, config);
    if (!line) throw error;
    console.error(`ordersync ${command}: ${line}`);
    process.exit(1);
  }
}

async function run(command: string, config: Config): Promise<void> {
  switch (command) {
    case 'start':
    case 'serve': {
      // Before the database is opened or a key made: a taken port stops the start here, in one line.
      if (cluster.isPrimary) await assertPortFree(config);
      if (config.apiProcesses > 1 && cluster.isPrimary) {
        // Prepare once here, then fork the API processes; each of them runs this file as `serve`.
        const handle = await openDatabase(config);
        const prepared = command === 'start' ? await prepare(handle) : undefined;
        const { url } = await superviseApiProcesses(config);
        // The first admin key only once the API answers, printed at once (see start()).
        const newKey = prepared ? await ensureAdminKey(handle.db, config) : undefined;
        await handle.close();
        if (prepared) process.stdout.write(startBanner(config, url, { ...prepared, newKey }));
        return;
      }
      const running =
        command === 'start' && cluster.isPrimary
          ? await start(config)
          : await serve(config, await openDatabase(config));
      const shutdown = async (signal: string) => {
        running.app.log.info({ signal }, 'shutting down');
        await running.stop();
        process.exit(0);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
      return;
    }
    case 'worker': {
      const running = await worker(config);
      const shutdown = async () => {
        await running.stop();
        process.exit(0);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
      return;
    }
    case 'migrate': {
      const handle = await openDatabase(config);
      const result = await migrateToLatest(handle.db, modules);
      for (const r of result.results ?? []) console.log(`${r.status}: ${r.migrationName}`);
      const key = await ensureAdminKey(handle.db, config);
      if (key) console.log(`Admin key: ${key}   (shown once; keep it)`);
      await handle.close();
      return;
    }
    case 'seed': {
      const handle = await openDatabase(config);
      await migrateToLatest(handle.db, modules);
      console.log(await seedDemoData(handle.db));
      await handle.close();
      return;
    }
    case 'load-history': {
      const file = process.argv[3];
      if (!file) {
        console.error(USAGE);
        process.exitCode = 2;
        return;
      }
      const handle = await openDatabase(config);
      await migrateToLatest(handle.db, modules);
      console.log(JSON.stringify(await loadUciHistory(handle.db, file), null, 2));
      await handle.close();
      return;
    }
  }
}

main(process.argv[2]).catch((error) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
