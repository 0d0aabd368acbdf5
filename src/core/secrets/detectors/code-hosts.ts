import type { Detector } from '../detector.js';
import { at, lower, near, token, WORD } from './shapes.js';

/**
 * GitLab tokens (docs: "GitLab token overview › Token prefixes"). Most kinds are the prefix + 20
 * base64url characters; since 17.x they may also be routable: prefix + a 27–300 char base64url
 * payload + `.` + an optional 2-char version and `.` + 2 chars of payload length and 7 of CRC32
 * (both base36).
 */
const GITLAB_BODY = '(?:[0-9A-Za-z_\\-]{27,300}\\.(?:[0-9a-z]{2}\\.)?[0-9a-z]{9}|[0-9A-Za-z_\\-]{20})';

const gitlabKinds: { id: string; prefix: string; title: string; body?: string; env: string }[] = [
  { id: 'gitlab-pat', prefix: 'glpat-', title: 'GitLab personal, project or group access token', env: 'GITLAB_TOKEN' },
  { id: 'gitlab-deploy-token', prefix: 'gldt-', title: 'GitLab deploy token', env: 'CI_DEPLOY_PASSWORD' },
  { id: 'gitlab-runner-token', prefix: 'glrt-', title: 'GitLab runner authentication token', env: 'RUNNER_TOKEN' },
  { id: 'gitlab-feed-token', prefix: 'glft-', title: 'GitLab feed token', env: 'GITLAB_FEED_TOKEN' },
  { id: 'gitlab-scim-oauth-token', prefix: 'glsoat-', title: 'GitLab SCIM OAuth access token', env: 'GITLAB_SCIM_TOKEN' },
  { id: 'gitlab-feature-flags-client-token', prefix: 'glffct-', title: 'GitLab feature flags client token', env: 'UNLEASH_INSTANCE_ID' },
  { id: 'gitlab-pipeline-trigger-token', prefix: 'glptt-', title: 'GitLab pipeline trigger token', body: '[0-9a-f]{40}', env: 'TRIGGER_TOKEN' },
  { id: 'gitlab-incoming-mail-token', prefix: 'glimt-', title: 'GitLab incoming mail token', body: '[0-9A-Za-z_\\-]{25}', env: 'GITLAB_INCOMING_EMAIL_TOKEN' },
  { id: 'gitlab-ci-build-token', prefix: 'glcbt-', title: 'GitLab CI/CD job token', body: '[0-9A-Za-z]{1,5}_[0-9A-Za-z_\\-]{20}', env: 'CI_JOB_TOKEN' },
  { id: 'gitlab-agent-token', prefix: 'glagent-', title: 'GitLab agent for Kubernetes token', body: '[0-9A-Za-z_\\-]{50}', env: 'AGENT_TOKEN' },
  { id: 'gitlab-oauth-app-secret', prefix: 'gloas-', title: 'GitLab OAuth application secret', body: '[0-9a-f]{64}', env: 'GITLAB_OAUTH_SECRET' },
  { id: 'gitlab-runner-registration-token', prefix: 'GR1348941', title: 'GitLab runner registration token (deprecated)', body: '[0-9A-Za-z_\\-]{20}', env: 'REGISTRATION_TOKEN' },
];

/** Per kind: a body the kind's alphabet accepts, and one that is too short (for the samples). */
const gitlabSamples: Record<string, { good: string[]; short: string }> = {
  'gitlab-pat': { good: ['glpat-URHY_pL4hzYrgcTBoAqL', 'glpat-6vs7gXA7XdMs3Yq5ANxVysRz3ij0ZscZgCWCfy.01.0wzshiv54', 'glpat-ACsFPuKNJn9FIrp20dQQo38heRxJEmw.0rs4svvr4'], short: 'glpat-zpwiJLgzf44l' },
  'gitlab-deploy-token': { good: ['gldt-oShdM7i7AoRCMZjnzOtw', 'gldt-4FifagaiNGJZqe00bXjgR-sYo3jnCCuX4Pha.01.0trvbt6c4'], short: 'gldt-OYQ3euq9RnxZkTJ' },
  'gitlab-runner-token': { good: ['glrt-jnSvL71OE4UAwiBTXDtE', 'glrt-t1_o8bzdqt_HRIJP2gRrpF-Goygt10eja.01.0sqto7gcf'], short: 'glrt-YiSLW0rmwA' },
  'gitlab-feed-token': { good: ['glft-zh8TX946nwFNr66C2mGZ', 'glft-4casCs6JBhC0MJUKIWny'], short: 'glft-xkV0RNDB' },
  'gitlab-scim-oauth-token': { good: ['glsoat-SiuFTSvxtD3uUsGvnOhv', 'glsoat-bZWtst68Tiio3MugUuKl'], short: 'glsoat-GRiuhgj3bjCinqDH' },
  'gitlab-feature-flags-client-token': { good: ['glffct-l9SuiDOkY6btvPY97swO', 'glffct-97yXIfpnPrMBoWHLrgfe'], short: 'glffct-_8koxji2vBOrlP' },
  'gitlab-pipeline-trigger-token': { good: ['glptt-0bde8e2cc6998c9ad523e8d744f16d0859500fc1', 'glptt-cb443471d7dc1610f760255f2d86c4bc376431a4'], short: 'glptt-32f4d1ba3bc2cf74722b9e8ebd26db5e' },
  'gitlab-incoming-mail-token': { good: ['glimt-omhqyo49en8dd42154f4yn5et', 'glimt-uGPmS8QRonMRg2ZonwQt3wWjq'], short: 'glimt-46yzj8unhotjq92oxodb' },
  'gitlab-ci-build-token': { good: ['glcbt-64_XvlDLIl692jcNMlwGVDP', 'glcbt-2a_iXqy0g5YIWfxXO9fqkub'], short: 'glcbt-64_j0LsP-wE0k4R' },
  'gitlab-agent-token': { good: ['glagent-7zE6M1mAvmku9aeFjMUD9EF-SsBuMZoWs7As-qFsPLiegTS9jj', 'glagent-GMpKHehGAwxOOIfN2pYgvSwb-42CbP-c1vtWJrYzQ-b4zUcbi9'], short: 'glagent-bk737PnJwYi8aqxf_XdVgWSME--8Ku' },
  'gitlab-oauth-app-secret': { good: ['gloas-2d6ead853f1c2821a82b9c2e8bda9987c60e0873e9766d8f2987e92062bb4d51', 'gloas-283923afe7b90f5028b5bc1f94788fca62ac558f64b6f4254de59c66ff84aea7'], short: 'gloas-270d49b4bd83a52a93b9ce5a23d6bdebbf2bcbe4' },
  'gitlab-runner-registration-token': { good: ['GR1348941Lxlklou4Ijbc5XY4JHLL', 'GR1348941HFtqmo0CYyzbi4ggaMM8'], short: 'GR13489414BdVOvrKebky' },
};

const gitlabDetectors: Detector[] = gitlabKinds.map(({ id, prefix, title, body, env }) => ({
  id,
  title,
  provider: 'GitLab',
  level: 'error',
  keywords: [prefix.toLowerCase()],
  pattern: token(`${prefix}${body ?? GITLAB_BODY}`, 'A-Za-z0-9_\\-.'),
  entropy: 3,
  redactPrefix: prefix,
  samples: gitlabSamplesOf(id, prefix, env),
}));

/** A GitLab kind's samples, read only from `samples` (so that the bundles leave them out: scripts/drop-samples.mjs). */
function gitlabSamplesOf(id: string, prefix: string, env: string): Detector['samples'] {
  const { good, short } = gitlabSamples[id];
  return {
    positive: [
      at(`${env}=§`, good[0]),
      at('    - curl --header "PRIVATE-TOKEN: §" "$CI_API_V4_URL/projects"', good[1], '.gitlab-ci.yml'),
      ...good.slice(2).map((g) => at(`  token: "§"`, g, 'config.yml')),
    ],
    negative: [`${env}=${short}`, `${env}=x${good[0]}`, `${env}=${prefix}\${{ secrets.TOKEN }}`],
  };
}

const GITEA_WORDS = ['gitea', 'forgejo', 'codeberg'];

export const codeHostDetectors: Detector[] = [
  ...gitlabDetectors,
  {
    // Bitbucket Cloud app password: `ATBB` + 32 characters (28 random + an 8-hex checksum).
    id: 'bitbucket-app-password',
    title: 'Bitbucket app password',
    provider: 'Bitbucket',
    level: 'error',
    keywords: ['atbb'],
    pattern: token('ATBB[0-9A-Za-z_=.\\-]{32}', WORD, 'A-Za-z0-9_=.\\-'),
    entropy: 3.5,
    redactPrefix: 'ATBB',
    samples: {
      positive: [
        at('BITBUCKET_APP_PASSWORD=§', 'ATBBVgy95VNTvOlGYmbobIAPIeKH4522DA0F'),
        at('git clone https://ci-bot:§@bitbucket.org/acme/api.git', 'ATBBtPJmwL7d48zbrgkDHq7KztRy5A639717'),
      ],
      negative: ['BITBUCKET_APP_PASSWORD=ATBBTgNQQOwyYRVmCxT2CN9s', 'BITBUCKET_APP_PASSWORD=ATBBCtlzn3yRbp5vwm9u2G3vYJMzQzm1uN9nDhoGRFh1'],
    },
  },
  {
    // Bitbucket repository / project / workspace access tokens begin with ATCTT3xFfGN0, then base64url with a checksum.
    id: 'bitbucket-access-token',
    title: 'Bitbucket repository, project or workspace access token',
    provider: 'Bitbucket',
    level: 'error',
    keywords: ['atctt3xffgn0'],
    pattern: token('ATCTT3xFfGN0[0-9A-Za-z_=\\-]{100,300}', WORD, 'A-Za-z0-9_=\\-'),
    entropy: 4,
    redactPrefix: 'ATCTT3xFfGN0',
    samples: {
      positive: [
        at('BITBUCKET_ACCESS_TOKEN=§', 'ATCTT3xFfGN0wXYo9RNQqPNbimtFwP4QdfFW1xe3i18oRaawSJiJuwpnf6_4Q5ppy1bYnBSj4BAm-2GvA9JN5bVIX3YaAVOCsHWOGND463sSY1fPFkSqja8s9veTbQTuLA2OqMdpHO4JVYXCXjO6AmxqYgf0pzLCZk128J8tyEPF=195016BF'),
        at('      - export TOKEN="§"', 'ATCTT3xFfGN0gVwKeWLcTLPpOVxWoT29x3lJ-Xll_7cOuZqcD1r0iDzyvqWGtyf5cKCYxvQlteYqlEKODgSi9Q_izST3KB0ms6ctzGI7Dw_uQu-lQpomqaQecfxKkuXSqqkwyOYInnzev7kRKkAauXfj870Lw2_8bB21fsq8jpb1CcJGTD3EBM=EFD4AC81', 'bitbucket-pipelines.yml'),
      ],
      negative: ['BITBUCKET_ACCESS_TOKEN=ATCTT3xFfGN0Z6owU4mBATzYxYk2zhCeoe0FB40BiAIJstBm_sZK', 'BITBUCKET_ACCESS_TOKEN=ATCTT32JnU2R8gqDfHhyuARbBFbm7iYNLhMeZSyB-JmzMQ_rxuGuobJN-qpayNfjqtjn1r38-dnSYt4f8G5ZpR8XZLpVBe7-Emv_xJp_o8qUnfdkfzAHI2JMXr6Ud0HEikAQdYa1F7A06kUdUIvQk-GrQh46TTMTEJfybt'],
    },
  },
  {
    // Gitea / Forgejo (Codeberg) access token: 40 lower-case hex characters.
    id: 'gitea-access-token',
    title: 'Gitea / Forgejo access token',
    provider: 'Gitea',
    level: 'error',
    keywords: lower(GITEA_WORDS),
    pattern: near(GITEA_WORDS, '[0-9a-f]{40}'),
    entropy: 3.2,
    samples: {
      positive: [at('GITEA_TOKEN=§', '4fe71ace770fa3794dbd76241b55cb93763a0d6b'), at('forgejo_token: "§"', '8c3a96df23fe291ea77a182ce98e9e74c22ba705', 'runner/config.yaml')],
      negative: ['GITEA_TOKEN=ffe40aab3267c96d6c41f37d468d6a9e', 'GITEA_VERSION=1.21.4'],
    },
  },
  {
    // Sourcegraph access token: `sgp_` + 16-hex instance id (or `local`) + `_` + 40 hex.
    id: 'sourcegraph-access-token',
    title: 'Sourcegraph access token',
    provider: 'Sourcegraph',
    level: 'error',
    keywords: ['sgp_'],
    pattern: token('sgp_(?:[0-9a-f]{16}|local)_[0-9a-f]{40}'),
    entropy: 3.2,
    redactPrefix: 'sgp_',
    samples: {
      positive: [at('SRC_ACCESS_TOKEN=§', 'sgp_f1c07972721801d5_638fac4a02efd3dd9aeec7bd92d3a112aa40fc1f'), at('src login --token §', 'sgp_local_b9217efc12d7f3c986453d174e04276155848584')],
      negative: ['SRC_ACCESS_TOKEN=sgp_81eaf1cf8f541c5b_a54a97524aff60126bb4e79219ce44', 'SRC_ACCESS_TOKEN=sgp_remote_17e2c4075f482a0c4f74b5b07c07de2ffcca5011'],
    },
  },
];
