/** `govmail serve`: initialise on first run (optionally with the demo city), start every listener, print where. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startGovmail, type RunningGovmail } from '../main.js';
import { initialize } from '../setup/initialize.js';
import { seedDemoCity } from '../demo/seed.js';
import { configFrom, type GlobalOptions } from './context.js';

export interface ServeOptions extends GlobalOptions {
  demo?: boolean;
}

export async function serve(options: ServeOptions): Promise<RunningGovmail> {
  const config = configFrom(options);
  const running = await startGovmail(config);
  const { services, ports } = running;
  const out = (line = '') => process.stdout.write(line + '\n');

  const init = await initialize(services);
  let demoNote: string[] = [];
  if (options.demo) {
    const started = Date.now();
    const seeded = await seedDemoCity(services);
    const credentialsFile = path.join(config.dataDir, 'demo-credentials.txt');
    if (seeded) {
      const lines = seeded.demoUsers.map((u) => `${u.address}\t${u.password}\t${u.name}（${u.unit}）${u.roles.length ? `\t${u.roles.join(',')}` : ''}`);
      writeFileSync(credentialsFile, `# govmail demo accounts — demo data only; delete this file in any real deployment\n${lines.join('\n')}\n`, { mode: 0o600 });
      demoNote = [
        `演示数据 Demo city: ${seeded.units} units, ${seeded.people} people, ${seeded.messages} messages (${((Date.now() - started) / 1000).toFixed(1)} s)`,
        ...seeded.demoUsers.map((u) => `  演示用户 demo user  ${u.address}  password: ${u.password}  ${u.name}（${u.unit}）${u.roles.length ? `  [${u.roles.join(', ')}]` : ''}`),
      ];
    } else {
      demoNote = [`演示用户 demo users: see ${credentialsFile}`];
    }
  }

  const host = config.http.listen.host;
  out('');
  out('海宁市公务电子邮箱 govmail is running');
  out(`  Webmail & console  http://${host}:${ports.http ?? config.http.listen.port}/`);
  out(`  SMTP (MX)          ${config.smtp.mx.host}:${ports.smtp}`);
  out(`  Submission         ${config.smtp.submission.host}:${ports.submission} (STARTTLS), ${config.smtp.submissions.host}:${ports.submissions} (TLS)`);
  if (ports.imap !== undefined) out(`  IMAP               ${config.imap.plain.host}:${ports.imap} (STARTTLS), ${config.imap.tls.host}:${ports.imaps} (TLS)`);
  if (ports.pop3 !== undefined) out(`  POP3               ${config.pop3.plain.host}:${ports.pop3} (STLS), ${config.pop3.tls.host}:${ports.pop3s} (TLS)`);
  out(`  Data directory     ${config.dataDir}${running.tls.selfSigned ? ` (self-signed TLS certificate: ${running.tls.certFile})` : ''}`);
  if (init.admin) {
    out('');
    out(`  管理员 Department admin  ${init.admin.address}  password: ${init.admin.password}`);
    out('  (shown once — it is not stored in clear; reset with `govmail user passwd`)');
  } else {
    out(`  管理员 Department admin  admin@${config.domains[0]} (password shown at first start; reset with \`govmail user passwd\`)`);
  }
  for (const line of demoNote) out('  ' + line);
  out('');

  const shutdown = async (signal: string) => {
    services.logger.info({ signal }, 'stopping');
    await running.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  return running;
}
