import type { Detector } from '../detector.js';
import { peerFacts } from './peer-facts.js';
import { type Alphabet, keyed, type KeyedRow, lit, type Part, run, uuid } from './table.js';

/** A UUID-shaped value (8-4-4-4-12) whose groups are any lower-case alphanumerics, not only hex. */
function uuidShaped(alphabet: Alphabet): Part[] {
  return [run(alphabet, 8), lit('-'), run(alphabet, 4), lit('-'), run(alphabet, 4), lit('-'), run(alphabet, 4), lit('-'), run(alphabet, 12)];
}

/** `n` characters of an alphabet with `-` that neither starts nor ends with `-`. */
function dashed(alphabet: 'lowerDash' | 'alnumDash', n: number): Part[] {
  const ends = alphabet === 'lowerDash' ? 'lower' : 'base62';
  return [run(ends, 1), run(alphabet, n - 2), run(ends, 1)];
}

/** The header of a JWT as issued by a provider (a fixed base64url literal), then payload and signature. */
function jwt(header: string, payload: [number, number], signature: [number, number]): Part[] {
  return [lit(header), run('base62', payload[0], payload[1]), lit('.'), run('b64url', signature[0], signature[1])];
}

/**
 * Providers whose keys are bare hex, alphanumerics or UUIDs: only the provider's name nearby (and,
 * by default, a credential word between name and value) identifies them. One row each (see
 * table.ts); docs/detectors.md lists them all.
 */
const rows: KeyedRow[] = [
  // CI/CD and developer tools
  { id: 'circleci-token', provider: 'CircleCI', title: 'CircleCI API token', words: ['circleci', 'circle_token', 'circle-token'], parts: [run('hex', 40)] },
  { id: 'buildkite-token', provider: 'Buildkite', title: 'Buildkite API token (legacy)', words: ['buildkite'], parts: [run('lower', 40)] },
  { id: 'travis-ci-token', provider: 'Travis CI', title: 'Travis CI API token', words: ['travis'], parts: [run('word', 22)] },
  { id: 'drone-ci-token', provider: 'Drone', title: 'Drone CI token', words: ['drone_token', 'drone_server_token', 'drone-token', 'drone_api', 'drone_rpc_secret'], parts: [run('base62', 32)], credential: false },
  { id: 'octopus-deploy-api-key', provider: 'Octopus Deploy', title: 'Octopus Deploy API key', words: ['octopus'], parts: [lit('API-'), run('upper', 26, 34)], credential: false },
  { id: 'sourcegraph-token', provider: 'Sourcegraph', title: 'Sourcegraph access token', words: ['sourcegraph', 'src_access_token'], parts: [run('hex', 40)] },
  { id: 'jira-data-center-pat', provider: 'Atlassian', title: 'Jira / Confluence Data Center personal access token', words: ['jira', 'confluence'], parts: [lit('M', 'N', 'O'), run('b64', 43)] },
  { id: 'codacy-token', provider: 'Codacy', title: 'Codacy API token', words: ['codacy'], parts: [run('base62', 20)] },
  { id: 'codeclimate-token', provider: 'Code Climate', title: 'Code Climate reporter id / token', words: ['codeclimate', 'cc_test_reporter', 'code_climate'], parts: [run('hex', 64)], credential: false },
  { id: 'coveralls-token', provider: 'Coveralls', title: 'Coveralls repo token', words: ['coveralls'], parts: [run('base62', 32, 37)] },
  { id: 'codemagic-token', provider: 'Codemagic', title: 'Codemagic API token', words: ['codemagic'], parts: [run('b64url', 43)] },
  { id: 'percy-token', provider: 'Percy', title: 'Percy project token', words: ['percy'], parts: [run('hex', 64)] },
  { id: 'browserstack-access-key', provider: 'BrowserStack', title: 'BrowserStack access key', words: ['browserstack'], parts: [run('base62', 20)] },
  { id: 'saucelabs-access-key', provider: 'Sauce Labs', title: 'Sauce Labs access key', words: ['saucelabs', 'sauce_access', 'sauce-access'], parts: uuidShaped('lower') },
  { id: 'testingbot-secret', provider: 'TestingBot', title: 'TestingBot secret', words: ['testingbot'], parts: [run('lower', 32)] },
  { id: 'packagecloud-token', provider: 'packagecloud', title: 'packagecloud API token', words: ['packagecloud'], parts: [run('hex', 48)] },
  { id: 'rapidapi-key', provider: 'RapidAPI', title: 'RapidAPI key', words: ['rapidapi'], parts: [run('b64url', 50)] },
  { id: 'github-oauth-client-secret', provider: 'GitHub', title: 'GitHub OAuth app client secret', words: ['github', 'gh_'], credentialWords: ['client_secret', 'clientsecret', 'client-secret', 'oauth_secret', 'app_secret'], parts: [run('hex', 40)], samples: { contexts: ['GITHUB_CLIENT_SECRET=§', '  github_client_secret: "§"'] } },
  // Cloud
  { id: 'azure-cosmos-key', provider: 'Azure', title: 'Azure Cosmos DB key', words: ['cosmos', 'documents.azure.com'], parts: [run('b64', 86), lit('==')] },
  { id: 'azure-search-key', provider: 'Azure', title: 'Azure AI Search admin or query key', words: ['search.windows.net', 'azure_search', 'azuresearch', 'azure-search', 'search_service'], parts: [run('base62', 52)] },
  { id: 'azure-apim-subscription-key', provider: 'Azure', title: 'Azure API Management subscription key', words: ['ocp-apim-subscription-key', 'azure-api.net', 'apim_subscription', 'apim-subscription'], parts: [run('hex', 32)], credential: false },
  { id: 'azure-functions-key', provider: 'Azure', title: 'Azure Functions key', words: ['x-functions-key', 'azurewebsites.net/api', 'function_key', 'functions_key'], parts: [run('b64url', 52, 56), lit('==')], credential: false },
  { id: 'azure-batch-key', provider: 'Azure', title: 'Azure Batch account key', words: ['batch.azure.com', 'azure_batch', 'batch_account'], parts: [run('b64', 86), lit('==')] },
  { id: 'salesforce-session-id', provider: 'Salesforce', title: 'Salesforce session id / access token', words: ['salesforce', 'force.com', 'sfdc'], parts: [lit('00'), run('base62', 13), lit('!'), run('dotted', 90, 110)], credential: false },
  { id: 'aiven-token', provider: 'Aiven', title: 'Aiven API token', words: ['aiven'], parts: [run('b64', 372)] },
  { id: 'qubole-token', provider: 'Qubole', title: 'Qubole API token', words: ['qubole'], parts: [run('lower', 64)] },
  { id: 'zerotier-token', provider: 'ZeroTier', title: 'ZeroTier API token', words: ['zerotier'], parts: [run('base62', 32)] },
  // AI
  { id: 'braintrust-api-key', provider: 'Braintrust', title: 'Braintrust API key', words: ['braintrust'], parts: [lit('sk-'), run('base62', 48)] },
  // Payments, finance
  { id: 'paypal-client-secret', provider: 'PayPal', title: 'PayPal REST client secret', words: ['paypal'], parts: [lit('E'), run('b64url', 79)] },
  { id: 'braintree-private-key', provider: 'PayPal Braintree', title: 'Braintree API private key', words: ['braintree'], credentialWords: ['private', 'secret', 'key'], parts: [run('hex', 32)], samples: { contexts: ['BRAINTREE_PRIVATE_KEY=§', '  braintree_private_key: "§"'] } },
  // Mollie's own API clients accept `live_`/`test_` + at least 30 word characters (issued keys have 30 alphanumerics).
  { id: 'mollie-api-key', provider: 'Mollie', title: 'Mollie API key', words: ['mollie'], parts: [lit('live_', 'test_'), run('base62', 30)], credential: false, samples: { contexts: ['MOLLIE_API_KEY=§', "  $mollie->setApiKey('§');"] } },
  { id: 'paymongo-secret-key', provider: 'PayMongo', title: 'PayMongo secret key', words: ['paymongo'], parts: [lit('sk_live_', 'sk_test_'), run('base62', 24, 32)], credential: false },
  { id: 'dwolla-secret', provider: 'Dwolla', title: 'Dwolla key or secret', words: ['dwolla'], parts: [run('base62', 50)] },
  { id: 'wise-api-token', provider: 'Wise', title: 'Wise (TransferWise) API token', words: ['transferwise', 'wise_api', 'wise-api', 'wise_token', 'wiseapi'], parts: [uuid(true)], credential: false },
  { id: 'kraken-api-secret', provider: 'Kraken', title: 'Kraken API secret', words: ['kraken'], parts: [run('b64', 86), lit('==')] },
  { id: 'kucoin-api-secret', provider: 'KuCoin', title: 'KuCoin API secret', words: ['kucoin'], parts: [uuid(true)], credential: false },
  { id: 'squarespace-api-key', provider: 'Squarespace', title: 'Squarespace API key', words: ['squarespace'], parts: [uuid(true)] },
  { id: 'kucoin-api-key', provider: 'KuCoin', title: 'KuCoin API key', words: ['kucoin'], parts: [run('hex', 24)], credential: false },
  { id: 'bitfinex-api-key', provider: 'Bitfinex', title: 'Bitfinex API key or secret', words: ['bitfinex'], parts: [run('b64url', 43)] },
  { id: 'etherscan-api-key', provider: 'Etherscan', title: 'Etherscan API key', words: ['etherscan', 'bscscan', 'polygonscan'], parts: [run('upper', 34)] },
  { id: 'infura-api-key', provider: 'Infura', title: 'Infura API key', words: ['infura'], parts: [run('hex', 32)], credential: false },
  { id: 'alchemy-api-key', provider: 'Alchemy', title: 'Alchemy API key', words: ['alchemy'], parts: [run('b64url', 32)] },
  // Observability
  // InfluxDB 2.x API token: 64 random bytes in URL-safe base64 (InfluxDB's token generator), 86 characters + `==`.
  { id: 'influxdb-token', provider: 'InfluxDB', title: 'InfluxDB API token', words: ['influx'], parts: [run('b64url', 86), lit('==')], samples: { contexts: ['INFLUX_TOKEN=§', '  influxdb_token: "§"'] } },
  { id: 'logzio-token', provider: 'Logz.io', title: 'Logz.io token', words: ['logz'], parts: [uuid(true)] },
  { id: 'loggly-token', provider: 'Loggly', title: 'Loggly customer token', words: ['loggly'], parts: uuidShaped('lower'), credential: false },
  { id: 'signalfx-token', provider: 'Splunk Observability', title: 'Splunk Observability (SignalFx) access token', words: ['signalfx', 'x-sf-token', 'sfx_token', 'splunk_access_token', 'splunk_observability'], parts: [run('base62', 22)], credential: false },
  { id: 'betterstack-token', provider: 'Better Stack', title: 'Better Stack / Logtail source token', words: ['betterstack', 'better_stack', 'logtail'], parts: [run('base62', 24)] },
  { id: 'opsgenie-api-key', provider: 'Opsgenie', title: 'Opsgenie API key', words: ['opsgenie', 'geniekey'], parts: [uuid(true)], credential: false },
  { id: 'statuspage-api-key', provider: 'Atlassian Statuspage', title: 'Statuspage API key', words: ['statuspage'], parts: [uuid(true)] },
  { id: 'uptimerobot-api-key', provider: 'UptimeRobot', title: 'UptimeRobot API key', words: ['uptimerobot', 'uptime_robot'], parts: [lit('u', 'm', 'ur'), run('digits', 6, 9), lit('-'), run('hex', 24)] },
  { id: 'statuscake-api-key', provider: 'StatusCake', title: 'StatusCake API key', words: ['statuscake'], parts: [run('base62', 20)] },
  { id: 'airbrake-project-key', provider: 'Airbrake', title: 'Airbrake project key', words: ['airbrake'], parts: dashed('alnumDash', 32) },
  { id: 'airbrake-user-key', provider: 'Airbrake', title: 'Airbrake user key', words: ['airbrake'], parts: dashed('alnumDash', 40) },
  { id: 'solarwinds-token', provider: 'SolarWinds', title: 'SolarWinds Observability token', words: ['solarwinds', 'swo_api', 'swo_token'], parts: [run('b64url', 71)] },
  { id: 'sentry-auth-token-legacy', provider: 'Sentry', title: 'Sentry auth token (legacy)', words: ['sentry'], parts: [run('hex', 64)] },
  // Messaging, support, marketing
  { id: 'sinch-api-token', provider: 'Sinch', title: 'Sinch API token', words: ['sinch'], parts: [run('lower', 32)] },
  { id: 'pusher-channels-secret', provider: 'Pusher', title: 'Pusher Channels secret', words: ['pusher'], credentialWords: ['secret'], parts: [run('hex', 20)], samples: { contexts: ['PUSHER_SECRET=§', "pusher_app_secret: '§'"], negative: ['PUSHER_KEY=9f3a51c0b7e2d4a86c15'] } },
  { id: 'sendbird-api-token', provider: 'Sendbird', title: 'Sendbird API token', words: ['sendbird'], parts: [run('hex', 40)] },
  { id: 'freshdesk-api-key', provider: 'Freshdesk', title: 'Freshdesk API key', words: ['freshdesk'], parts: [run('base62', 20)] },
  { id: 'helpscout-api-key', provider: 'Help Scout', title: 'Help Scout API key', words: ['helpscout', 'help_scout'], parts: [run('lower', 40)] },
  { id: 'webex-bot-token', provider: 'Webex', title: 'Webex bot token', words: ['webex', 'ciscospark', 'spark_access_token', 'spark_bot'], parts: [run('base62', 64), lit('_'), run('base62', 4), lit('_'), uuid()], credential: false },
  { id: 'ringcentral-client-secret', provider: 'RingCentral', title: 'RingCentral client secret', words: ['ringcentral'], parts: [run('b64url', 22)] },
  { id: 'line-channel-access-token', provider: 'LINE', title: 'LINE Messaging channel access token', words: ['channel_access_token', 'line_channel', 'linebot', 'line_bot', 'line-bot'], parts: [run('b64', 171, 172), lit('=')], credential: false },
  { id: 'line-notify-token', provider: 'LINE', title: 'LINE Notify token', words: ['linenotify', 'line_notify', 'notify-api.line.me'], parts: [run('base62', 43)], credential: false },
  { id: 'mattermost-access-token', provider: 'Mattermost', title: 'Mattermost personal access token', words: ['mattermost'], parts: [run('lower', 26)] },
  { id: 'clicksend-api-key', provider: 'ClickSend', title: 'ClickSend API key', words: ['clicksend'], parts: [uuid(true)] },
  { id: 'textmagic-api-key', provider: 'TextMagic', title: 'TextMagic API key', words: ['textmagic'], parts: [run('base62', 30)], credential: false },
  { id: 'elastic-email-api-key', provider: 'Elastic Email', title: 'Elastic Email API key', words: ['elasticemail', 'elastic_email'], parts: [run('b64url', 96)] },
  { id: 'customerio-api-key', provider: 'Customer.io', title: 'Customer.io API key', words: ['customerio', 'customer.io', 'customer_io'], parts: [run('lower', 20)] },
  { id: 'mailerlite-api-key', provider: 'MailerLite', title: 'MailerLite API key (legacy)', words: ['mailerlite'], parts: [run('lower', 32)] },
  { id: 'convertkit-api-key', provider: 'Kit', title: 'Kit (ConvertKit) API key', words: ['convertkit'], parts: [run('b64url', 22)] },
  { id: 'moosend-api-key', provider: 'Moosend', title: 'Moosend API key', words: ['moosend'], parts: [uuid(true)] },
  { id: 'getresponse-api-key', provider: 'GetResponse', title: 'GetResponse API key', words: ['getresponse'], parts: [run('lower', 32)] },
  // Work tools
  { id: 'smartsheet-token', provider: 'Smartsheet', title: 'Smartsheet API token', words: ['smartsheet'], parts: [run('base62', 26, 37)] },
  { id: 'shortcut-api-token', provider: 'Shortcut', title: 'Shortcut (Clubhouse) API token', words: ['shortcut_api', 'shortcut-api', 'shortcut_token', 'clubhouse'], parts: [uuid(true)] },
  { id: 'pivotal-tracker-token', provider: 'Pivotal Tracker', title: 'Pivotal Tracker API token', words: ['pivotal'], parts: [run('hex', 32)] },
  { id: 'todoist-token', provider: 'Todoist', title: 'Todoist API token', words: ['todoist'], parts: [run('hex', 40)] },
  { id: 'miro-token', provider: 'Miro', title: 'Miro access token', words: ['miro_', 'miro-', 'miro.com'], parts: [run('base62', 27)] },
  { id: 'sanity-token', provider: 'Sanity', title: 'Sanity API token', words: ['sanity'], parts: [lit('sk'), run('base62', 79)] },
  { id: 'storyblok-token', provider: 'Storyblok', title: 'Storyblok access token', words: ['storyblok'], parts: [run('base62', 22), lit('tt')] },
  { id: 'webflow-token', provider: 'Webflow', title: 'Webflow API token', words: ['webflow'], parts: [run('hex', 64)] },
  { id: 'hubspot-api-key', provider: 'HubSpot', title: 'HubSpot API key (legacy)', words: ['hapikey', 'hubapi', 'hubspot'], parts: [uuid(true)] },
  { id: 'pipedrive-api-token', provider: 'Pipedrive', title: 'Pipedrive API token', words: ['pipedrive'], parts: [run('hex', 40)] },
  // Social
  { id: 'facebook-app-access-token', provider: 'Facebook', title: 'Facebook app access token (app id|app secret)', words: ['facebook', 'fb_', 'graph.facebook.com', 'access_token'], parts: [run('digits', 15, 16), lit('|'), run('hex', 32)], credential: false, samples: { contexts: ['FACEBOOK_ACCESS_TOKEN=§', 'https://graph.facebook.com/v19.0/debug_token?access_token=§'] } },
  { id: 'facebook-app-token', provider: 'Facebook', title: 'Facebook app access token', words: ['facebook', 'fb_', 'graph.facebook.com', 'access_token'], parts: [run('digits', 15, 16), lit('|', '%7C'), run('b64url', 27, 40)], credential: false, samples: { contexts: ['FB_APP_TOKEN=§', "graph.facebook.com/me?access_token=§"] } },
  // Identity, security
  { id: 'onelogin-client-secret', provider: 'OneLogin', title: 'OneLogin client secret', words: ['onelogin'], parts: [run('hex', 64)] },
  { id: 'jumpcloud-api-key', provider: 'JumpCloud', title: 'JumpCloud API key', words: ['jumpcloud'], parts: [run('base62', 40)] },
  { id: 'duo-integration-key', provider: 'Duo Security', title: 'Duo integration key', level: 'warning', words: ['duo_', 'duosecurity'], parts: [lit('DI'), run('upper', 18)], credential: false },
  { id: 'duo-secret-key', provider: 'Duo Security', title: 'Duo secret key', words: ['duo_', 'duosecurity'], parts: [run('base62', 40)] },
  { id: 'shodan-api-key', provider: 'Shodan', title: 'Shodan API key', words: ['shodan'], parts: [run('base62', 32)] },
  { id: 'virustotal-api-key', provider: 'VirusTotal', title: 'VirusTotal API key', words: ['virustotal', 'x-apikey'], parts: [run('hex', 64)], credential: false },
  { id: 'censys-api-secret', provider: 'Censys', title: 'Censys API secret', words: ['censys'], parts: [run('base62', 32)] },
  { id: 'securitytrails-api-key', provider: 'SecurityTrails', title: 'SecurityTrails API key', words: ['securitytrails'], parts: [run('base62', 32)] },
  { id: 'urlscan-api-key', provider: 'urlscan.io', title: 'urlscan.io API key', words: ['urlscan'], parts: [uuid(true)] },
  { id: 'abuseipdb-api-key', provider: 'AbuseIPDB', title: 'AbuseIPDB API key', words: ['abuseipdb'], parts: [run('hex', 80)] },
  { id: 'wiz-client-secret', provider: 'Wiz', title: 'Wiz client secret', words: ['wiz_', 'wiz.io'], parts: [run('base62', 64)] },

  // Providers from trufflehog's public detector facts (keyword, alphabet, length), written by hand
  // with the credential-word setting each provider's usual config form needs (issue 9, round 3).
  { id: 'adobe-io-client-secret', provider: 'Adobe', title: 'Adobe I/O client secret (legacy)', words: ['adobe'], parts: [run('lower', 32)] },
  { id: 'airship-api-key', provider: 'Airship', title: 'Airship (Urban Airship) API key', words: ['airship'], parts: [run('base62', 91)] },
  { id: 'airvisual-api-key', provider: 'IQAir AirVisual', title: 'AirVisual API key', words: ['airvisual'], parts: dashed('lowerDash', 36) },
  { id: 'alconost-api-key', provider: 'Alconost', title: 'Alconost API key', words: ['alconost'], parts: [run('lower', 32)] },
  { id: 'alegra-api-token', provider: 'Alegra', title: 'Alegra API token', words: ['alegra'], parts: dashed('lowerDash', 20) },
  { id: 'ambee-api-key', provider: 'Ambee', title: 'Ambee API key', words: ['ambee'], parts: [run('hex', 64)] },
  { id: 'apacta-api-key', provider: 'Apacta', title: 'Apacta API key', words: ['apacta'], parts: dashed('lowerDash', 36) },
  { id: 'apifonica-api-key', provider: 'Apifonica', title: 'Apifonica API key', words: ['apifonica'], parts: [run('lower', 11), lit('-'), run('lower', 4), lit('-'), run('lower', 4), lit('-'), run('lower', 4), lit('-'), run('lower', 12)] },
  { id: 'appcues-api-key', provider: 'Appcues', title: 'Appcues API key', words: ['appcues'], parts: dashed('lowerDash', 36) },
  { id: 'apptivo-api-key', provider: 'Apptivo', title: 'Apptivo API key', words: ['apptivo'], parts: dashed('lowerDash', 36) },
  { id: 'artsy-client-secret', provider: 'Artsy', title: 'Artsy API client secret', words: ['artsy'], parts: [run('base62', 32)] },
  { id: 'atera-api-key', provider: 'Atera', title: 'Atera API key', words: ['atera'], parts: [run('lower', 32)] },
  { id: 'atlassian-api-token-legacy', provider: 'Atlassian', title: 'Atlassian API token (legacy, 24 characters)', words: ['atlassian'], parts: [run('base62', 24)] },
  { id: 'audd-api-token', provider: 'AudD', title: 'AudD API token', words: ['audd'], parts: dashed('lowerDash', 32) },
  { id: 'autoklose-api-key', provider: 'Autoklose', title: 'Autoklose API key', words: ['autoklose'], parts: dashed('alnumDash', 32) },
  { id: 'autopilot-api-key', provider: 'Autopilot', title: 'Autopilot API key', words: ['autopilot'], parts: [run('hex', 32)] },
  { id: 'avaza-pat', provider: 'Avaza', title: 'Avaza personal access token', words: ['avaza'], parts: [run('digits', 1, 30), lit('-'), run('hex', 40)] },
  { id: 'ayrshare-api-key', provider: 'Ayrshare', title: 'Ayrshare API key', words: ['ayrshare'], parts: [run('upper', 8), lit('-'), run('upper', 8), lit('-'), run('upper', 8), lit('-'), run('upper', 8)] },
  { id: 'bannerbear-api-key', provider: 'Bannerbear', title: 'Bannerbear API key', words: ['bannerbear'], parts: [run('base62', 22), lit('tt')] },
  { id: 'besttime-private-key', provider: 'BestTime', title: 'BestTime private API key', words: ['besttime'], parts: [lit('pri_'), run('hex', 32)], credential: false },
  { id: 'bitmex-api-key', provider: 'BitMEX', title: 'BitMEX API key id', words: ['bitmex'], parts: [run('b64url', 24)] },
  { id: 'bitmex-api-secret', provider: 'BitMEX', title: 'BitMEX API secret', words: ['bitmex'], parts: [run('b64url', 48)] },
  { id: 'blocknative-api-key', provider: 'Blocknative', title: 'Blocknative API key', words: ['blocknative'], parts: [uuid(true)] },
  { id: 'browshot-api-key', provider: 'Browshot', title: 'Browshot API key', words: ['browshot'], parts: dashed('alnumDash', 28) },
  { id: 'bulbul-api-key', provider: 'Bulbul', title: 'Bulbul API key', words: ['bulbul'], parts: [run('lower', 32)] },
  { id: 'cashboard-api-key', provider: 'Cashboard', title: 'Cashboard API key', words: ['cashboard'], parts: [run('upper', 3), lit('-'), run('upper', 3), lit('-'), run('upper', 3), lit('-'), run('upper', 3)] },
  { id: 'checio-api-key', provider: 'Chec', title: 'Chec (Commerce.js) secret key', words: ['checio', 'chec.io'], parts: [lit('pk_'), run('lower', 45)] },
  { id: 'checkvist-api-key', provider: 'Checkvist', title: 'Checkvist API key', words: ['checkvist'], parts: [run('base62', 14)], credential: false },
  { id: 'cicero-api-key', provider: 'Cicero', title: 'Cicero API key', words: ['cicero'], parts: [run('lower', 40)] },
  { id: 'cliengo-api-key', provider: 'Cliengo', title: 'Cliengo API key', words: ['cliengo'], parts: [uuid(true)] },
  { id: 'cloudimage-api-key', provider: 'Cloudimage', title: 'Cloudimage API key', words: ['cloudimage'], parts: [run('lower', 1), run('word', 28), run('lower', 1)], credential: false },
  { id: 'cloudmersive-api-key', provider: 'Cloudmersive', title: 'Cloudmersive API key', words: ['cloudmersive'], parts: dashed('lowerDash', 36), credential: false },
  { id: 'cloze-api-key', provider: 'Cloze', title: 'Cloze API key', words: ['cloze'], parts: [run('hex', 32)], credential: false },
  { id: 'collect2-api-key', provider: 'Collect2', title: 'Collect2 API key', words: ['collect2'], parts: [uuid(true)] },
  { id: 'convier-api-key', provider: 'Convier', title: 'Convier API key', words: ['convier'], parts: [run('digits', 2), lit('|'), run('base62', 40)] },
  { id: 'currencycloud-api-key', provider: 'Currencycloud', title: 'Currencycloud API key', words: ['currencycloud'], parts: [run('lower', 64)], credential: false },
  { id: 'docusign-secret-key', provider: 'DocuSign', title: 'DocuSign integration secret key', words: ['docusign'], parts: [uuid(true)] },
  { id: 'duply-api-key', provider: 'Duply', title: 'Duply API key', words: ['duply'], parts: [uuid(true)] },
  { id: 'gocanvas-api-key', provider: 'GoCanvas', title: 'GoCanvas API key', words: ['gocanvas'], parts: [run('b64', 43), lit('=')], credential: false },
  { id: 'hashicorp-vault-approle-secret-id', provider: 'HashiCorp', title: 'HashiCorp Vault AppRole secret id', words: ['hashicorp', 'approle'], credentialWords: ['secret_id', 'secret-id', 'secretid'], gap: 80, parts: [uuid(true)], samples: { contexts: ['VAULT_APPROLE_SECRET_ID=§', 'hashicorp vault:\n  role_id: 5e9f1f0a-2c3b-4d5e-8f70-1a2b3c4d5e6f\n  secret_id: "§"'] } },
  { id: 'instamojo-api-key', provider: 'Instamojo', title: 'Instamojo API key or client secret', words: ['instamojo'], parts: [run('base62', 40)], credential: false },
  { id: 'instamojo-auth-token', provider: 'Instamojo', title: 'Instamojo auth token', words: ['instamojo'], parts: [run('base62', 128)], credential: false },
  { id: 'invoiceocean-api-token', provider: 'InvoiceOcean', title: 'InvoiceOcean API token', words: ['invoiceocean'], parts: [run('base62', 20)], credential: false },
  { id: 'ipinfo-token', provider: 'IPinfo', title: 'IPinfo access token', words: ['ipinfo'], parts: [run('hex', 14)] },
  { id: 'kanbantool-api-token', provider: 'Kanban Tool', title: 'Kanban Tool API token', words: ['kanbantool'], parts: [run('upper', 12)], credential: false },
  { id: 'keenio-api-key', provider: 'Keen', title: 'Keen (keen.io) master or write key', words: ['keenio', 'keen_io', 'keen.io', 'keen_master', 'keen_write'], parts: [run('upper', 64)], credential: false },
  { id: 'luno-api-secret', provider: 'Luno', title: 'Luno API secret', words: ['luno'], parts: [run('b64url', 43)], credential: false },
  { id: 'metaapi-token', provider: 'MetaApi', title: 'MetaApi token', words: ['metaapi', 'meta-api'], parts: [run('hex', 64)], credential: false },
  { id: 'freshworks-api-key', provider: 'Freshworks', title: 'Freshworks (myfreshworks) API key', words: ['freshworks'], parts: [run('b64url', 22)], credential: false },
  { id: 'myintervals-api-token', provider: 'Intervals', title: 'Intervals (myintervals) API token', words: ['myintervals'], parts: [run('lower', 11)], samples: { negative: [`{ title: 'Intervals (myintervals) API token', words: ['myintervals'] }`] } },
  { id: 'nozbe-api-token', provider: 'Nozbe', title: 'Nozbe Teams API token', words: ['nozbe'], parts: [run('base62', 16), lit('_'), run('b64url', 64)] },
  { id: 'npm-legacy-token', provider: 'npm', title: 'npm access token (legacy UUID)', words: ['npmtoken', 'npm_token', 'npm-token', 'npm_auth_token'], parts: [uuid(true)], credential: false },
  { id: 'pandascore-api-token', provider: 'PandaScore', title: 'PandaScore API token', words: ['pandascore'], parts: [run('b64url', 51)] },
  { id: 'poloniex-api-key', provider: 'Poloniex', title: 'Poloniex API key', words: ['poloniex'], parts: [run('upper', 8), lit('-'), run('upper', 8), lit('-'), run('upper', 8), lit('-'), run('upper', 8)] },
  { id: 'poloniex-api-secret', provider: 'Poloniex', title: 'Poloniex API secret', words: ['poloniex'], parts: [run('hex', 128)] },
  { id: 'refiner-api-key', provider: 'Refiner', title: 'Refiner API key', words: ['refiner'], parts: [uuid(true)] },
  { id: 'repairshopr-api-key', provider: 'RepairShopr', title: 'RepairShopr API key', words: ['repairshopr'], parts: dashed('alnumDash', 51) },
  { id: 'revampcrm-api-key', provider: 'Revamp CRM', title: 'Revamp CRM API key', words: ['revampcrm'], parts: [run('base62', 40)] },
  { id: 'roaring-client-secret', provider: 'Roaring', title: 'Roaring client id / secret', words: ['roaring'], parts: [run('b64url', 28)] },
  { id: 'rownd-app-key', provider: 'Rownd', title: 'Rownd app key', words: ['rownd'], parts: uuidShaped('lower') },
  { id: 'rownd-app-secret', provider: 'Rownd', title: 'Rownd app secret', words: ['rownd'], parts: [run('lower', 48)] },
  { id: 'salesmate-api-key', provider: 'Salesmate', title: 'Salesmate session token', words: ['salesmate'], parts: [uuid(true)] },
  { id: 'scalr-api-token', provider: 'Scalr', title: 'Scalr API token', words: ['scalr'], parts: [run('base62', 1), run('dotted', 135)] },
  { id: 'siteleaf-api-key', provider: 'Siteleaf', title: 'Siteleaf API key or secret', words: ['siteleaf'], parts: [run('lower', 32)] },
  { id: 'smooch-key-id', provider: 'Sunshine Conversations', title: 'Smooch (Sunshine Conversations) key id', level: 'warning', words: ['smooch'], parts: [lit('act_'), run('lower', 24)] },
  { id: 'smooch-secret', provider: 'Sunshine Conversations', title: 'Smooch (Sunshine Conversations) secret', words: ['smooch'], parts: [run('b64url', 86)] },
  { id: 'strava-client-secret', provider: 'Strava', title: 'Strava client secret or token', words: ['strava'], parts: [run('lower', 40)] },
  { id: 'stytch-secret', provider: 'Stytch', title: 'Stytch secret', words: ['stytch'], parts: [run('b64url', 47), lit('=')] },
  { id: 'supernotes-api-key', provider: 'Supernotes', title: 'Supernotes API key', words: ['supernotes'], parts: [run('b64url', 43)] },
  { id: 'surveyanyplace-api-key', provider: 'Survey Anyplace', title: 'Survey Anyplace API key', words: ['surveyanyplace'], parts: [run('base62', 32)] },
  { id: 'swell-secret-key', provider: 'Swell', title: 'Swell secret key', words: ['swell'], parts: [run('base62', 32)] },
  { id: 'timezoneapi-key', provider: 'TimezoneAPI', title: 'TimezoneAPI key', words: ['timezoneapi'], parts: [run('alpha', 20)] },
  { id: 'vbout-api-key', provider: 'VBOUT', title: 'VBOUT API key', words: ['vbout'], parts: [run('digits', 25)] },
  { id: 'vouchery-api-key', provider: 'Vouchery', title: 'Vouchery API key', words: ['vouchery'], parts: dashed('lowerDash', 36), credential: false },
  { id: 'webex-client-secret', provider: 'Webex', title: 'Webex integration client secret', words: ['webex'], parts: [run('hex', 64)] },
  { id: 'webex-client-id', provider: 'Webex', title: 'Webex integration client id', level: 'warning', words: ['webex'], parts: [lit('C'), run('hex', 64)] },
  { id: 'websitepulse-api-key', provider: 'WebSitePulse', title: 'WebSitePulse API key', words: ['websitepulse'], parts: [run('hex', 32)], credential: false },
  { id: 'airtable-api-key-17', provider: 'Airtable', title: 'Airtable API key (legacy, 17 characters without the `key` prefix)', words: ['airtable'], parts: [run('base62', 17)] },
  { id: 'confluent-api-key', provider: 'Confluent', title: 'Confluent Cloud API key id', level: 'warning', words: ['confluent'], parts: [run('base62', 16)] },
  { id: 'dropbox-app-key-or-secret', provider: 'Dropbox', title: 'Dropbox app key or app secret', level: 'warning', words: ['dropbox'], parts: [run('lower', 15)] },
  { id: 'rails-master-key-env', provider: 'Ruby on Rails', title: 'Rails master key (RAILS_MASTER_KEY)', words: ['rails_master_key', 'rails-master-key', 'railsmasterkey'], parts: [run('hex', 32)], credential: false, samples: { contexts: ['RAILS_MASTER_KEY=§', '      RAILS_MASTER_KEY: "§"'] } },
  // Provider-issued JWTs and long opaque tokens, anchored by the provider's name.
  { id: 'snowflake-jwt', provider: 'Snowflake', title: 'Snowflake programmatic access token or key-pair JWT', words: ['snowflake'], credentialWords: ['pat', 'token', 'passw', 'pwd', 'secret', 'jwt', 'auth', 'bearer', 'key'], parts: [lit('eyJ'), run('b64url', 15, 300), lit('.eyJ'), run('b64url', 20, 1200), lit('.'), run('b64url', 40, 700)], samples: { contexts: ['SNOWFLAKE_PAT=§', '  snowflake_password: "§"'] } },
  { id: 'appfollow-api-token', provider: 'AppFollow', title: 'AppFollow API token', words: ['appfollow'], parts: jwt('eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.', [74, 74], [43, 43]) },
  { id: 'lemonsqueezy-api-key', provider: 'Lemon Squeezy', title: 'Lemon Squeezy API key', words: ['lemonsqueezy', 'lemon_squeezy'], parts: jwt('eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.', [314, 314], [512, 512]) },
  { id: 'livestorm-api-token', provider: 'Livestorm', title: 'Livestorm API token', words: ['livestorm'], parts: jwt('eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJhcGkubGl2ZXN0b3JtLmNvIiwianRpIjoi', [134, 134], [43, 43]) },
  { id: 'portainer-api-token', provider: 'Portainer', title: 'Portainer JWT', words: ['portainer'], parts: jwt('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.', [50, 310], [43, 43]) },
  { id: 'tallyfy-api-token', provider: 'Tallyfy', title: 'Tallyfy API token', words: ['tallyfy'], parts: [run('base62', 36), lit('.'), run('base62', 264), lit('.'), run('b64url', 683)] },
  { id: 'viewneo-api-token', provider: 'viewneo', title: 'viewneo API token', words: ['viewneo'], parts: [run('base62', 120, 300), lit('.'), run('base62', 150, 300), lit('.'), run('b64url', 600, 800)] },
];

/**
 * Providers known from trufflehog's public facts (scripts/peer-facts.ts): provider keyword,
 * alphabet and length. A credential word is required between name and value, as for every row.
 */
const peerRows: KeyedRow[] = peerFacts
  .filter((f) => !rows.some((r) => r.id.startsWith(`${f.name}-`)))
  .map((f) => ({
    id: `${f.name.replace(/[^a-z0-9]+/g, '-')}-api-key`,
    provider: f.name[0].toUpperCase() + f.name.slice(1),
    title: `${f.name[0].toUpperCase() + f.name.slice(1)} API key`,
    words: f.keywords,
    parts: [f.uuid ? uuid(true) : run(f.alphabet, f.min, f.max)],
  }));

/** Ids of rows built from peer facts (the coverage scripts tell them apart from hand-written ones). */
export const PEER_IDS: ReadonlySet<string> = new Set(peerRows.map((r) => r.id));

export const keyedDetectors: Detector[] = [...rows, ...peerRows].map(keyed);
