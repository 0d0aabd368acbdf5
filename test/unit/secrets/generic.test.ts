import { describe, expect, it } from 'vitest';
import { genericDetectors } from '../../../src/core/secrets/detectors/generic.js';
import { scanSecrets } from '../../../src/core/secrets/engine.js';
import { secretFingerprint } from '../../../src/core/secrets/redact.js';
import { defaultSettings } from '../../../src/core/types.js';
import { cpuTimed } from '../../support/cpu-time.js';

/** Only our generic detectors run, so these tests do not depend on the provider catalog. */
const settings = defaultSettings({ detectors: { enabled: genericDetectors.map((d) => d.id), disabled: [] } });

function scan(path: string, content: string) {
  return scanSecrets({ path, content }, settings);
}

/** [file, line, the exact value that must be reported]: real shapes from many languages and formats. */
const POSITIVES: [string, string, string][] = [
  ['.env', 'STRIPE_WEBHOOK_SECRET=whsec_9Lq2Xm7Vk4Rn8Wt1Bs3Hd5', 'whsec_9Lq2Xm7Vk4Rn8Wt1Bs3Hd5'],
  ['.env', 'DB_PASSWORD="Tz8#qLw2vR"', 'Tz8#qLw2vR'],
  ['.env.production', "API_KEY='k2Vq9Zm4Lx7Tr1Wn8Bp3'", 'k2Vq9Zm4Lx7Tr1Wn8Bp3'],
  ['scripts/deploy.sh', 'export DEPLOY_TOKEN=Qm7Zx2Lk9Vr4Tn8Wp1Bs3H', 'Qm7Zx2Lk9Vr4Tn8Wp1Bs3H'],
  ['Dockerfile', 'ENV REDIS_PASSWORD=Zq8Lm3Xv1K', 'Zq8Lm3Xv1K'],
  ['Dockerfile', 'ENV SERVICE_API_KEY Pz9Lq2Xm7Vk4Rn8Wt1Bs', 'Pz9Lq2Xm7Vk4Rn8Wt1Bs'],
  ['config/app.yaml', '  client_secret: Hd8Kq2Lm9Zx4Vr7Tn1Wp5Ys', 'Hd8Kq2Lm9Zx4Vr7Tn1Wp5Ys'],
  ['config/app.yml', '    password: "r3Dw00d-Qx7"   # rotated 2026-01', 'r3Dw00d-Qx7'],
  ['config.json', '  "apiKey": "Lm4Xq8Zr2Vk7Tn9Wp1Bs",', 'Lm4Xq8Zr2Vk7Tn9Wp1Bs'],
  ['settings.ini', 'password = M2x!Qp8zLw', 'M2x!Qp8zLw'],
  ['application.properties', 'spring.datasource.password=Ns4v!Jk29xQ', 'Ns4v!Jk29xQ'],
  ['application.properties', 'mail.smtp.password: Vq8mZ2kL0p', 'Vq8mZ2kL0p'],
  ['pyproject.toml', 'token = "Tq9Lz2Xm8Vk4Rn7Wp1Bs3H"', 'Tq9Lz2Xm8Vk4Rn7Wp1Bs3H'],
  ['main.tf', '  master_password = "Lk3mN8qZ2w"', 'Lk3mN8qZ2w'],
  ['src/client.ts', 'const apiKey: string = "k2Vq9Zm4Lx7Tr1Wn8Bp3";', 'k2Vq9Zm4Lx7Tr1Wn8Bp3'],
  ['src/client.js', "  headers: { 'x-api-key': 'Rk8Zq2Lm9Xv4Tn7Wp1Bs' },", 'Rk8Zq2Lm9Xv4Tn7Wp1Bs'],
  ['src/auth.mjs', 'export const JWT_SECRET = `mQ3xL9zR2kV7wN4tB8pH`;', 'mQ3xL9zR2kV7wN4tB8pH'],
  ['app/settings.py', "SECRET_KEY = 'q8vN3zL0xR7kW2mT9pY4sB6d'", 'q8vN3zL0xR7kW2mT9pY4sB6d'],
  ['app/db.py', 'engine = connect(user="app", password="Lk3mN8qZ2w", host="db")', 'Lk3mN8qZ2w'],
  ['app/client.py', 'client = Client(api_key=b"Vt3Lq9Zm2Xk8Rn4Wp7Bs")', 'Vt3Lq9Zm2Xk8Rn4Wp7Bs'],
  ['app/conf.py', "CONFIG = {'auth_token': 'Zr4Lq9Xm2Vk7Tn8Wp1Bs3H'}", 'Zr4Lq9Xm2Vk7Tn8Wp1Bs3H'],
  ['main.go', 'const apiToken = "Km2Zq8Xl4Vr9Tn7Wp1Bs3H"', 'Km2Zq8Xl4Vr9Tn7Wp1Bs3H'],
  ['main.go', '\tdbPassword := "Zq8Lm3Xv1K"', 'Zq8Lm3Xv1K'],
  ['config.go', '\tClientSecret: "Hd8Kq2Lm9Zx4Vr7Tn1Wp5Ys",', 'Hd8Kq2Lm9Zx4Vr7Tn1Wp5Ys'],
  ['src/Main.java', '    private static final String DB_PASSWORD = "xR7!kP2mQ9";', 'xR7!kP2mQ9'],
  ['src/Client.java', '    builder.password("Wd3Rk9Lz2Q");', 'Wd3Rk9Lz2Q'],
  ['src/Config.kt', 'val apiKey = "Pz9Lq2Xm7Vk4Rn8Wt1Bs"', 'Pz9Lq2Xm7Vk4Rn8Wt1Bs'],
  ['Program.cs', '    public string ApiKey { get; set; } = "Lz8Xq3Km9Vr2Tn7Wp4Bs1H";', 'Lz8Xq3Km9Vr2Tn7Wp4Bs1H'],
  ['appsettings.json', '"Default": "Server=sql;Database=erp;User Id=sa;Password=Ab9Kx2Lm7Q;"', 'Ab9Kx2Lm7Q'],
  ['config/initializers/stripe.rb', "Stripe.api_key = 'k2Vq9Zm4Lx7Tr1Wn8Bp3'", 'k2Vq9Zm4Lx7Tr1Wn8Bp3'],
  ['config/secrets.rb', "  :password => 'M2x!Qp8zLw',", 'M2x!Qp8zLw'],
  ['wp-config.php', "define( 'AUTH_KEY', 'Vt3Lq9Zm2Xk8Rn4Wp7Bs' );", 'Vt3Lq9Zm2Xk8Rn4Wp7Bs'],
  ['config.php', "    'password' => 'M2x!Qp8zLw',", 'M2x!Qp8zLw'],
  ['deploy.ps1', '$env:API_TOKEN = "Tq9Lz2Xm8Vk4Rn7Wp1Bs3H"', 'Tq9Lz2Xm8Vk4Rn7Wp1Bs3H'],
  ['Makefile', '\tcurl -H "Authorization: Bearer Vq8Zm2Lx9Tk4Rn7Wp1Bs3Hd" $(API)/v1', 'Vq8Zm2Lx9Tk4Rn7Wp1Bs3Hd'],
  ['scripts/publish.sh', 'curl -u deploy:Xq9Lz2Km8Vr4 https://nexus.corp.io/repository/', 'Xq9Lz2Km8Vr4'],
  ['settings.xml', '      <password>Xq9Lz2Km8Vr4</password>', 'Xq9Lz2Km8Vr4'],
  ['Web.config', '  <add key="SmtpPassword" value="Xq9Lz2Km8Vr4" />', 'Xq9Lz2Km8Vr4'],
  ['docker-compose.yml', '      - MYSQL_PASSWORD=h7Gk2pQ9zW', 'h7Gk2pQ9zW'],
  ['mailer.js', "  auth: { user: 'apikey', pass: 'Zt7Rk2Lm9Xq4' },", 'Zt7Rk2Lm9Xq4'],
  ['k8s/deployment.yaml', '          - name: DB_PASSWORD\n            value: "Xq9Lz2Km8Vr4"', 'Xq9Lz2Km8Vr4'],
  ['ecs/task.json', '    { "name": "STRIPE_API_KEY", "value": "Lz8Xq3Km9Vr2Tn7Wp4Bs1H" },', 'Lz8Xq3Km9Vr2Tn7Wp4Bs1H'],
  ['sync.py', 'r = requests.get(url, auth=("deploy", "Xq9Lz2Km8Vr4"))', 'Xq9Lz2Km8Vr4'],
  ['ci/push.sh', 'docker login -u ci -p Xq9Lz2Km8Vr4 registry.corp.io', 'Xq9Lz2Km8Vr4'],
  ['hibernate.cfg.xml', '<property name="hibernate.connection.password" value="Pz7Lq2Xm9Vk4"/>', 'Pz7Lq2Xm9Vk4'],
  ['.env', 'SENTRY_KEY=9f3k2QzL7mX8vR4tW1nB5cD0', '9f3k2QzL7mX8vR4tW1nB5cD0'],
  ['jdbc.properties', 'url=jdbc:mysql://db:3306/app?user=app&password=Zq8Lm3Xv1K&ssl=true', 'Zq8Lm3Xv1K'],
];

/** [file, line]: near-misses that are not secrets. */
const NEGATIVES: [string, string][] = [
  ['.env', 'DB_PASSWORD=${DB_PASSWORD}'],
  ['.env', 'API_KEY='],
  ['.env.example', 'API_KEY=sk-Lm4Xq8Zr2Vk7Tn9Wp1Bs'],
  ['.env', 'DB_PASSWORD=changeme'],
  ['.env', 'SECRET_KEY=your-secret-key-here'],
  ['.env', 'AUTH_TOKEN=<insert token>'],
  ['.env', 'PASSWORD=********'],
  ['.env', 'GITHUB_TOKEN=$GITHUB_TOKEN'],
  ['.github/workflows/ci.yml', '          token: ${{ secrets.GITHUB_TOKEN }}'],
  ['templates/secret.yaml', '  password: {{ .Values.postgresql.password | quote }}'],
  ['values.yaml', '  existingSecret: postgres-credentials'],
  ['values.yaml', '  passwordSecretKey: db-password'],
  ['k8s/deploy.yaml', '        secretName: tls-cert'],
  ['config.yml', '  password: !vault |'],
  ['config.yml', '  password_file: /run/secrets/db_password'],
  ['config.yml', '  token_url: https://auth.acme.io/oauth/token'],
  ['config.yml', '  auth: true'],
  ['config.yml', '  api_key_header: X-Api-Key'],
  ['settings.py', 'SECRET_KEY = os.environ["SECRET_KEY"]'],
  ['settings.py', 'API_KEY = os.getenv("API_KEY", "")'],
  ['settings.py', 'DB_PASSWORD = env("DB_PASSWORD")'],
  ['settings.py', 'password = settings.DB_PASSWORD'],
  ['models.py', '    password_hash = db.Column(db.String(128))'],
  ['auth.py', '    if password == stored_password:'],
  ['auth.py', '    token = jwt.encode(payload, key, algorithm="HS256")'],
  ['llm.py', 'max_tokens = 4096'],
  ['pager.py', 'next_page_token = response["nextPageToken"]'],
  ['forms.py', 'csrf_token = "a9Zk3Lq8Xm2Vr7Tn4Wp1Bs"'],
  ['src/db.ts', 'const password = process.env.DB_PASSWORD;'],
  ['src/db.ts', 'const apiKey = config.get("apiKey");'],
  ['src/auth.ts', 'const token = await getAccessToken();'],
  ['src/auth.ts', 'this.secret = options.secret;'],
  ['src/auth.ts', 'const { password } = req.body;'],
  ['src/auth.ts', 'password: string;'],
  ['src/types.ts', '  token?: string | undefined;'],
  ['src/login.tsx', '<input type="password" name="password" placeholder="Password" />'],
  ['main.go', 'password := os.Getenv("DB_PASSWORD")'],
  ['main.go', '\tToken string `json:"token"`'],
  ['Main.java', 'String password = System.getenv("DB_PASSWORD");'],
  ['Main.java', 'private String password;'],
  ['Program.cs', 'var secret = Environment.GetEnvironmentVariable("CLIENT_SECRET");'],
  ['config.rb', "  password: ENV['DB_PASSWORD'],"],
  ['config.rb', "  api_key: ENV.fetch('API_KEY'),"],
  ['config.php', "    'password' => env('DB_PASSWORD'),"],
  ['users.yml', 'password: $2b$12$KIXQj2s9lQ8m7v1rQ0yZ5u0oG5v6mQ2P8nS4tW1x3yZ7aB9cD0eF2'],
  ['config.yml', 'secret_key: 550e8400-e29b-41d4-a716-446655440000'],
  ['config.yml', 'password: 1234567890'],
  ['config.yml', 'api_key: abcdefghijklmnop'],
  ['config.yml', 'token: aaaaaaaaaaaaaaaaaaaa'],
  ['config.yml', 'password: true'],
  ['release.yml', 'commit_sha_token: 4b825dc642cb6eb9a060e54bf8d69288fbee4904'],
  ['README.md', 'Set `API_KEY=your_api_key_here` in your environment.'],
  ['tests/test_auth.py', 'PASSWORD = "Tz8#qLw2vR"'],
  ['src/__tests__/auth.test.ts', 'const apiKey = "k2Vq9Zm4Lx7Tr1Wn8Bp3";'],
  ['docs/setup.md', 'curl -H "Authorization: Bearer $TOKEN" https://api.acme.io'],
  ['settings.xml', '<password>${env.NEXUS_PASSWORD}</password>'],
  ['Web.config', '<add key="SmtpPassword" value="" />'],
  ['package.json', '  "author": "Jane Doe <jane@acme.io>",'],
  ['Clients.java', '    config.setStripePublishableKey("pk_live_YCkpf4nOzt84YdEYsMSxCqIB");'],
  ['cache.ts', 'const cacheKey = "user-profile-v2-9f3k2QzL7mX8";'],
  ['backend.py', "        self.set_password('service1', 'user1', 'password1')"],
  ['compose.yml', '      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-postgres}'],
  ['k8s/deployment.yaml', '          - name: DB_PASSWORD\n            valueFrom:\n              secretKeyRef: { name: db, key: password }'],
  ['parser.js', 'nextLastSignificantToken = "?NonExpressionParenEnd";'],
  ['oauth.py', "    'oauth_token': 'sdf0o9823sjdfsdf',"],
  ['bypass.py', 'bypass = "route-around-proxy"'],
  ['tokenizer.py', 'tokenizer = AutoTokenizer.from_pretrained("bert-base-uncased")'],
];

describe('generic detectors', () => {
  it.each(POSITIVES)('%s: %s', (path, line, secret) => {
    const findings = scan(path, `# header\n${line}\n`);
    const hit = findings.filter((f) => f.fingerprint === secretFingerprint(f.detector!, secret));
    expect(hit, JSON.stringify(findings.map((f) => [f.rule, f.redacted]))).toHaveLength(1);
    // Line of the value: the header is line 1, the snippet starts on line 2.
    expect(hit[0].line).toBe(2 + line.slice(0, line.indexOf(secret)).split('\n').length - 1);
    expect(hit[0].rule).toMatch(/^secret\/generic-/);
    expect(hit[0].message).not.toContain(secret);
  });

  it.each(NEGATIVES)('%s: %s', (path, line) => {
    expect(scan(path, `${line}\n`).map((f) => `${f.rule} ${f.redacted}`)).toEqual([]);
  });

  it('finds every assignment of a multi-line file with correct line numbers', () => {
    const content = ['# settings', 'DEBUG=false', 'DB_PASSWORD=Tz8#qLw2vR', 'DB_HOST=db', 'API_KEY=k2Vq9Zm4Lx7Tr1Wn8Bp3', ''].join('\r\n');
    expect(scan('.env', content).map((f) => [f.line, f.rule])).toEqual([
      [3, 'secret/generic-password'],
      [5, 'secret/generic-api-key'],
    ]);
  });

  it('never captures a value on the next line (no reach across line ends)', () => {
    expect(scan('config.yml', 'password:\n  nested: Tz8#qLw2vRz9\n')).toEqual([]);
  });

  it('stays linear on long runs of keyword-ish text', () => {
    const { ms } = cpuTimed(() => scan('big.env', `${'password_password_password='.repeat(20_000)}\n${'token: '.repeat(20_000)}`));
    expect(ms).toBeLessThan(5_000);
  });
});
