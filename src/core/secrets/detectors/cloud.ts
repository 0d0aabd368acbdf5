import type { Detector } from '../detector.js';
import { at, BASE64, BASE64_TAIL, lower, near, token, UUID } from './shapes.js';

/** AWS's own documentation examples: never a finding, whatever the filters say. */
const AWS_DOC_EXAMPLES = /EXAMPLE(?:KEY)?$/;

const AWS_SECRET_WORDS = ['aws_secret_access_key', 'aws-secret-access-key', 'secretaccesskey', 'secret_access_key', 'aws_secret_key', 'aws_secret'];
const AZURE_ACCOUNT_KEY_WORDS = ['azure_storage', 'azurestorage', 'storage_account_key', 'storageaccountkey', 'azure_account_key'];
const ALIBABA_WORDS = ['alibaba', 'aliyun', 'access_key_secret', 'accesskeysecret'];

/** Clouds: AWS, Google Cloud, Azure, Alibaba, Tencent, IBM, Yandex, Scaleway, Linode, Hetzner, Vultr. */
export const cloudDetectors: Detector[] = [
  {
    // Access key id: AKIA (long-term), ASIA (STS temporary), ABIA (STS service bearer), ACCA
    // (context-specific) + 16 characters of the base32 alphabet A-Z2-7.
    id: 'aws-access-key-id',
    title: 'AWS access key id',
    provider: 'AWS',
    level: 'error',
    keywords: ['akia', 'asia', 'abia', 'acca'],
    pattern: token('(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}'),
    entropy: 3,
    validate: (secret) => !AWS_DOC_EXAMPLES.test(secret),
    redactPrefix: 'AKIA',
    pair: { with: 'aws-secret-access-key', id: 'aws-access-key-pair', title: 'AWS access key pair (key id + secret access key)' },
    samples: {
      positive: [
        at('AWS_ACCESS_KEY_ID=§', 'AKIAJVIIROWYJYBPGT5U'),
        at('aws_access_key_id = §', 'ASIAWKAHZFZKYMFQMMDN', '.aws/credentials'),
        at('{ "AccessKeyId": "§", "Expiration": "2026-01-01T00:00:00Z" }', 'ASIAFE7MOEOVAMJ2PXR5'),
      ],
      negative: [
        'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE',
        'AWS_ACCESS_KEY_ID=AKIAWXOANNQIWDSV',
        'id = "AKIAAQ6H5AWDZG37QKD3YGBE"',
        'AWS_ACCESS_KEY_ID=AKIAYU2XHQFZ01896GOM',
      ],
    },
  },
  {
    // Secret access key: 40 characters of base64 (A-Za-z0-9/+) with no prefix, so an AWS secret
    // keyword must sit just before it.
    id: 'aws-secret-access-key',
    title: 'AWS secret access key',
    provider: 'AWS',
    level: 'error',
    keywords: lower(AWS_SECRET_WORDS),
    pattern: near(AWS_SECRET_WORDS, '[A-Za-z0-9/+]{40}', { gap: 25, edge: BASE64, tail: BASE64_TAIL }),
    entropy: 4,
    validate: (secret) => !AWS_DOC_EXAMPLES.test(secret),
    samples: {
      positive: [
        at('AWS_SECRET_ACCESS_KEY=§', 'QTR9esqImcGsFyq2DsdNYMSs82eFsXHadGQJMMvk'),
        at('aws_secret_access_key = §', 'LFpFvs5CsDIHHcduR8I6rVHqGJK75psk2z3mwe3x', '.aws/credentials'),
        at('  "SecretAccessKey": "§",', 'yu46fd6hvnquMwrPRFyNQDkzITamOEVVJBjtKKct', 'creds.json'),
      ],
      negative: [
        'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        'AWS_SECRET_ACCESS_KEY=WNJ5TxZqPDa8I2XDRSg1xbFrBc3VVdAzWvKX8dA',
        'AWS_SECRET_ACCESS_KEY=Gi3MisxfxzSAMN8yJ5oXY5RXvZANtmsJGYhKB7RzVJJVa+IM',
        'some_other_value = yg//WMbRu98go7XctksO1ve1Mx3mWOZ2BXSLVQrO',
      ],
    },
  },
  {
    // STS session tokens are base64 of a binary blob whose first bytes are fixed: `IQoJb3JpZ2luX2Vj`
    // ("\x21\x0a\x09origin_ec") today, `FwoGZXIvYXdz` ("…aws") for older tokens. They expire, so warning.
    id: 'aws-session-token',
    title: 'AWS STS session token',
    provider: 'AWS',
    level: 'warning',
    keywords: ['iqojb3jpz2lux2vj', 'fwogzxivyxdz'],
    pattern: token('(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdz)[A-Za-z0-9/+]{100,3000}={0,2}', BASE64, BASE64_TAIL),
    entropy: 4,
    redactPrefix: 'IQoJb3JpZ2luX2Vj',
    samples: {
      positive: [
        at('AWS_SESSION_TOKEN=§', 'IQoJb3JpZ2luX2VjOO2YytvNQlN3mQC2miCfANA4srJNaFxedVaV148/8FjqzKMkSLn3vLX8ESltNzPEB+tiMqZ0+NzN2vY/hHVfY+1osl5Lu4NO30P/7b3MSfHe5/0oGq3GTaALt9hCVVUnlOkZC08Qu6UgtUbD9zrdxPt/E/P111OJOmga3ok2v7cxNGPkgp44xhXdkdEM9u0hbCnihV/tXDKvnYjSGEaT3LK0qfEynDpQk6ISPXsSwxBczbfBDZPlFkXVvXVL4TW782g61rQRjpW1KPxrAOaizn6mPLnht8UtahBboM7mhQnw'),
        at('aws_session_token = §', 'FwoGZXIvYXdzOXeZPyw3VQgYZhZoq0A0TunTMzpi0yiEHCtgEHnWvOnZGhT07CEvzuEgPM9wLXeS5pvmqalS0AeHHkpmm47rVzChva7NeF6gV59Ok/5JhdIUzsxnjtK+xqkyynGE00Id63zn3nzyvrpqfg4Vgc9FQeA250p1R1vV26benejBXcm8cve1lK4mqWNmVslJy95B8LgzkVGekFGe3lh3u1iK7nbNCgYzRQU8fccQhO2N5155KVsi==', '.aws/credentials'),
      ],
      negative: ['AWS_SESSION_TOKEN=IQoJb3JpZ2luX2Vjg9+QlzMhiyYuzdHxOUAw5j9hqz3fiHEwZcQsUAED', 'AWS_SESSION_TOKEN=CNx6T8DSaETnY7yOi9n1xUB5Y+Hv2sysUkc8mzRGSqyMVxq/3W9K3Q6gsltgB1SJLykIUCTzFYjQBnowBYWwywQj1WbCU04J48g8Umbtjb3GYLTUon/MMyejHSEQiZqqIG/zx70ZH7rX0QLfdxRQUj5B4HSIyCCf6UdguYZ0FzkEpM3sS+tXiBkRlt0AVWlD3ddXa7EpK36pYCerRBazK3QGIFoileow/uLuyc/Y/5d+92VeZRmtWTG56l7+AP+NhbwmDDGvOY6NGUjBhzcSy9sXqa3XbzaYAWczzSIoSavW'],
    },
  },
  {
    // Amazon Marketplace Web Service auth token: `amzn.mws.` + UUID.
    id: 'aws-mws-auth-token',
    title: 'Amazon MWS auth token',
    provider: 'AWS',
    level: 'error',
    keywords: ['amzn.mws.'],
    pattern: token(`amzn\\.mws\\.${UUID}`),
    redactPrefix: 'amzn.mws.',
    samples: {
      positive: [at('MWS_AUTH_TOKEN=§', 'amzn.mws.88bc6ef4-2f49-ea7f-9b55-65480f4a88cf'), at("mws_auth_token: '§'", 'amzn.mws.e312bd26-95e4-fc25-74f8-3cc2f03c2dc0', 'settings.yml')],
      negative: ['MWS_AUTH_TOKEN=amzn.mws.39bfe3db-0a98', 'MWS_AUTH_TOKEN=amzn.mws.{{ token }}'],
    },
  },
  {
    // Amazon Bedrock long-term API key: `ABSK` + base64 of "BedrockAPIKey-<id>:<secret>".
    id: 'aws-bedrock-api-key',
    title: 'Amazon Bedrock long-term API key',
    provider: 'AWS',
    level: 'error',
    keywords: ['absk'],
    pattern: token('ABSKQmVkcm9ja0FQSUtleS[A-Za-z0-9+/]{60,400}={0,2}', BASE64, BASE64_TAIL),
    entropy: 4,
    redactPrefix: 'ABSK',
    samples: {
      positive: [
        at('AWS_BEARER_TOKEN_BEDROCK=§', 'ABSKQmVkcm9ja0FQSUtleS1IPwq2JcvyYLjQZ6SOygVhjun+LLp1paMvOhhR43FeiiGnYyKn1f4T39NLMnWwP5/X3Il3V5uZAEAQVebA+JYcrHIv0SQbZipsHh/eoRX7SrOQdgVfK/5NReG='),
        at('bedrock_api_key: "§"', 'ABSKQmVkcm9ja0FQSUtleS0fzLXiLpGFLh/nx0Z9kUzm8bu+dbdvScLyO7i9dL9xXax/grfIdIirA5jSSZxSkf1uT0+IucCLgYc3Vjsd+Ll+6UmKVLA+8yj01', 'config.yaml'),
      ],
      negative: ['AWS_BEARER_TOKEN_BEDROCK=ABSKQmVkcm9ja0FQSUtleSGIbbVnyqbVHL8P/Bp/z1', 'ABSKqi87P0xcVnAqjf90hLT2atQX9kzXaun4BJvSLtY9rOLhi6+dWaAtfGddaZFdi4gK2iF32sJu6CJnVrR/GGXhe1d2PMep+n6KH1idOA3FfTwEEnSxUrryY5KZ'],
    },
  },
  {
    // The same key as the `apiKey` of a Firebase web config (`apiKey` then `authDomain`, `projectId`…):
    // Firebase web API keys identify the project and ship in every web app by design (Firebase docs,
    // "API keys for Firebase"); access is governed by Security Rules and App Check. Reported at info
    // level, so it shows in listings without failing a check. Listed before gcp-api-key, which it
    // wins against on the same span.
    id: 'firebase-web-api-key',
    title: 'Firebase web API key (a public project identifier)',
    provider: 'Google Cloud',
    level: 'info',
    keywords: ['aiza'],
    pattern:
      /apiKey["']?\s{0,3}[:=]\s{0,3}["'](?<secret>AIza[0-9A-Za-z_\-]{35})["']\s{0,3},?\s{0,40}["']?(?:authDomain|projectId|databaseURL|storageBucket|messagingSenderId|appId|measurementId)["']?\s{0,3}[:=]/,
    entropy: 3.5,
    redactPrefix: 'AIza',
    samples: {
      positive: [
        at('const firebaseConfig = { apiKey: "§", authDomain: "acme.firebaseapp.com" };', 'AIzanoLfIhwT-x_VaTScVz0oknjOxbW9ucjOvgt', 'src/firebase.ts'),
        at('const firebaseConfig = {\n  apiKey: "§",\n  authDomain: "acme-prod.firebaseapp.com",\n  projectId: "acme-prod",\n};', 'AIzaSyQ4mV8xL2kT9wR7nB3pY6sH1dJ0fG5cA2e', 'web/src/firebase.js'),
      ],
      negative: ['GOOGLE_MAPS_KEY=AIzaSyQ4mV8xL2kT9wR7nB3pY6sH1dJ0fG5cA2e', 'const config = { apiKey: "AIzaSyQ4mV8xL2kT9wR7nB3pY6sH1dJ0fG5cA2e", region: "us" };'],
    },
  },
  {
    // The Android counterpart: `google-services.json` ("api_key": [{ "current_key": "AIza…" }]), which
    // Firebase asks apps to ship inside the APK. Info level, as above.
    id: 'firebase-android-api-key',
    title: 'Firebase Android API key in google-services.json (a public project identifier)',
    provider: 'Google Cloud',
    level: 'info',
    keywords: ['"current_key"'],
    pattern: /"current_key"\s{0,3}:\s{0,3}"(?<secret>AIza[0-9A-Za-z_\-]{35})"/,
    entropy: 3.5,
    redactPrefix: 'AIza',
    samples: {
      positive: [at('      "api_key": [\n        {\n          "current_key": "§"\n        }\n      ],', 'AIzaSyQ4mV8xL2kT9wR7nB3pY6sH1dJ0fG5cA2e', 'app/google-services.json')],
      negative: ['"server_key": "AIzaSyQ4mV8xL2kT9wR7nB3pY6sH1dJ0fG5cA2e"'],
    },
  },
  {
    // Google API key: `AIza` + 35 characters of base64url. Used by Maps, Firebase, Gemini…
    id: 'gcp-api-key',
    title: 'Google Cloud API key',
    provider: 'Google Cloud',
    level: 'error',
    keywords: ['aiza'],
    pattern: token('AIza[0-9A-Za-z_\\-]{35}'),
    entropy: 3.5,
    redactPrefix: 'AIza',
    samples: {
      positive: [
        at('GOOGLE_API_KEY=§', 'AIzakFNEgctefR8GQLVDv3YRMcsILpdCBgjJsDM'),
        at('const mapsClient = new Client({ apiKey: "§" });', 'AIzanoLfIhwT-x_VaTScVz0oknjOxbW9ucjOvgt', 'src/maps.ts'),
      ],
      negative: ['GOOGLE_API_KEY=AIzalOetx5LNh8vV2XnMMaz5LlZczRhzLM', 'GOOGLE_API_KEY=AIza8qMDIOlVUZG1DT76rRfvcExGeLyiHIGMlvf1gbA0', 'val = "xAIzafUSJo_HuDhLdN_P1lRnIm_8vrod1rIs53nC"'],
    },
  },
  {
    // Service-account JSON key file: "private_key" holds a PKCS#8 PEM with `\n` escapes, next to
    // "type": "service_account" and "private_key_id". The secret is the whole escaped PEM.
    id: 'gcp-service-account-key',
    title: 'Google Cloud service account private key (JSON key file)',
    provider: 'Google Cloud',
    level: 'error',
    keywords: ['"private_key"'],
    pattern:
      /"private_key"\s{0,5}:\s{0,5}"(?<secret>-----BEGIN (?:RSA )?PRIVATE KEY-----(?:\\n[A-Za-z0-9+/=]{1,100}){4,300}\\n-----END (?:RSA )?PRIVATE KEY-----(?:\\n)?)"/,
    entropy: 4,
    redactPrefix: '-----BEGIN PRIVATE KEY-----',
    samples: {
      positive: [
        at(
          '{"type": "service_account", "project_id": "acme-prod", "private_key_id": "06940a7b0350e67cd4af90411fe9336dcf14db2c", "private_key": "§", "client_email": "ci@acme-prod.iam.gserviceaccount.com"}',
          '-----BEGIN PRIVATE KEY-----\\nMIIEvlC+JpomqbW+r4H3CQNPx2zusZZQpchtgBDKiDi66YHDJ5SKnutYVlIQ+p5s\\nt/M2T8sSm92wr8PtrXNFM7LISA83lj/d/91sHQDGK3LYFQKQqgHXU0fCc08ibSIh\\nzpp6BWHpwMYN94JA0CK4GeK7u9rT7QWL5djddik89XqQK+5kDI5i6fm2TmcdCSEP\\nIMj7JUnKOOmtRCRwQ3YCDe/w1qH0RwnxjQlym5pPQcMssafgcc92HzHHnoIoX6oU\\nQBRc9wfkzNBLAyCaGqRUvVHKbapoUSFS42O3UFrk6e5pfo4gzbdPg4pCUTaj+BZl\\nwR2R9Y1FwOOZ4BLu3oDx==\\n-----END PRIVATE KEY-----\\n',
          'deploy/sa-key.json',
        ),
        at(
          '  "private_key": "§",',
          '-----BEGIN PRIVATE KEY-----\\nMIIEvbCt0v9IEBWBzFtZeWvdiQnVjRzsKYQFuSVB3bJSuOkntG/yfPCaMSuXSxVV\\nYNg7iG30E8T3r8Ok8wHTcYGZeiYMFM8CpKm8WbmIbbmx4SWXRqYcpVM8is+zq0js\\nAp86mgI+6b5/GYG2Bt8SCClgzBCnXkWWt85Wr/Gk0WPp/WfYs8c/enhZR6O5RXvg\\n2HxSXKrTSqhFUVfI/iimlmRxcx7PMZa2GBVQ04SdEgYDa6s4yN56ogy2tqTuYTL+\\ngJLYpNW8/OgiZrwEiHyzYcBxp7+hYavhmJdCnyxC6hCm4wkO3UQh7FN2iFV4fq+L\\nxcZZV7nPt0kwP8P+BEGn6zojVIPmasKuMvOwmUsXgqZ/1iXDOHqbDnNK55NuQTzI\\nT6mmSyb+q4pG=\\n-----END PRIVATE KEY-----\\n',
          'credentials.json',
        ),
      ],
      negative: [
        '  "private_key": "-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----\\n",',
        '  "private_key": "${GCP_PRIVATE_KEY}",',
        '  "public_key": "-----BEGIN PUBLIC KEY-----\\nQjq1Uvyhd9WpRgsUyMgGucJcv9/k6hMkPBjCOMovvoCtI1FDUWh+sVuLuk2xDpm6\\nzA4JviwbiBp7PKDDVnE/gMRC0X5WGnAvJcFhfZ4phFvcPq9322aasmUYixjjPsGp\\na4dcRSnIq2EcAszV6MwZRc+7+cTebliUAb7qnDtb5nre6rOAAYApB0WIJ0EiaRNw\\njM5Yyn3qM7IwJmnDbd6Qq6tAZh121oG61ouDFfF46g/wLTf6+/3uDvIwd4PJh/6S\\n-----END PUBLIC KEY-----\\n",',
      ],
    },
  },
  {
    // OAuth client secret issued since 2021: `GOCSPX-` + 28 base64url characters.
    id: 'gcp-oauth-client-secret',
    title: 'Google OAuth client secret',
    provider: 'Google Cloud',
    level: 'error',
    keywords: ['gocspx-'],
    pattern: token('GOCSPX-[0-9A-Za-z_\\-]{28}'),
    entropy: 3.5,
    redactPrefix: 'GOCSPX-',
    samples: {
      positive: [
        at('GOOGLE_CLIENT_SECRET=§', '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'),
        at('{"web":{"client_id":"1234-abc.apps.googleusercontent.com","client_secret":"§"}}', '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', 'client_secret.json'),
      ],
      negative: ['GOOGLE_CLIENT_SECRET=GOCSPX-loDvC2DBgfcz8UOLK_Wp', 'GOOGLE_CLIENT_SECRET=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9WWlN2'],
    },
  },
  {
    // OAuth 2.0 access token: `ya29.` + base64url. Lives one hour, hence warning.
    id: 'google-oauth-access-token',
    title: 'Google OAuth access token',
    provider: 'Google Cloud',
    level: 'warning',
    keywords: ['ya29.'],
    pattern: token('ya29\\.(?:c\\.)?[0-9A-Za-z_\\-]{30,2000}'),
    entropy: 4,
    redactPrefix: 'ya29.',
    samples: {
      positive: [at('Authorization: Bearer §', 'ya29.a0AmNhOQOd-FDP5HAdtBWNnFPn3HfdjAN7eILaE5KupeP5c1x6OKCoRst0TyQoNZrK0GFxpoE9_3GbwTKpltKyF8g56riIWonoTAgACYUMIaIdqxFDhX99wOEK3zdQvDKStY3GfedtpALF6LxVYaXUop7'), at('access_token = "§"', 'ya29.c.Hi_1rSjJwa64lcJzACpc1odWOFcE-AnsY6nDphhlNroq2_CL_NbAHzSmvT5MHfED3iDS0S7TpyS86c7dWmoCKN43lOvL0X2vhkE1bzQAfntLiPrc0Xeb2hHqM9E7XK3GuNXIWaUWj8zPP-qJmhvsG_Yt6bD18DE8uT2NI4uMSfLxNZFKsyZ6', 'auth.py')],
      negative: ['token = "ya29.CbMA3hpzfE"', 'version = "ya29.0"'],
    },
  },
  {
    // OAuth 2.0 refresh token: `1//0` + base64url; long-lived until revoked.
    id: 'google-oauth-refresh-token',
    title: 'Google OAuth refresh token',
    provider: 'Google Cloud',
    level: 'error',
    keywords: ['1//0'],
    pattern: token('1//0[0-9A-Za-z_\\-]{40,200}', 'A-Za-z0-9_\\-/'),
    entropy: 4,
    redactPrefix: '1//0',
    samples: {
      positive: [at('GOOGLE_REFRESH_TOKEN=§', '1//0g8chV_CKQAVwAvPh3BoRL07VN4zqNHo5Z_O9v-2W5rrN1etB2DxSv5tSNnqGwf9kPJwOziUsheWyis7NBHwL0lysjZ88yg73phw'), at('"refresh_token": "§",', '1//09eqemUsP4cb0zGa1I95F72FCz9LkDpFcx6p1FdACSrs5ouvxxlcdvayP_QUuEdcgf-7Zm-TzgB-CVOTs2iok_ewSr9PSv5A2KOGyK', 'token.json')],
      negative: ['GOOGLE_REFRESH_TOKEN=1//0o_RYrXd4SlctVYQUENCi', 'url = "https://host/a/1//0WEoV10lYzpYw5KidoK57gGwiozBbENKqOXC6GGGj31bZSp_SwxFgLHhhP34r"'],
    },
  },
  {
    // Storage (and Cosmos DB) connection strings: `AccountKey=` + 64 bytes of base64 (88 chars, `==`).
    id: 'azure-storage-connection-string',
    title: 'Azure storage connection string account key',
    provider: 'Azure',
    level: 'error',
    keywords: ['accountkey='],
    pattern: /AccountKey=(?<secret>[A-Za-z0-9+/]{86}==)(?![A-Za-z0-9+/=])/,
    entropy: 4.5,
    samples: {
      positive: [
        at('AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey=§;EndpointSuffix=core.windows.net"', '9F2oy1s0CF0DgMTDlmlsCIvlx1zAldjdasT7abbJf/tT00brm6K6/rj2ew7Psk0amdyTkz+oemTDYVyd4kZobs=='),
        at('  "ConnectionString": "AccountEndpoint=https://acme.documents.azure.com:443/;AccountKey=§;"', '5o65gpiB6zIS930XLL8xVMz2fn6XQZuuqqxhRY1TJamsDsFC3arUfyVPjYSHj8Dgg2ME+Jm5vDTxNRc8yqk48Q==', 'appsettings.json'),
      ],
      negative: [
        'AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=https;AccountName=devstoreaccount1;AccountKey=akbNxgD4R145UmYOkfsjgyXfG9q2eHzrkwQ+/M49f4xg;"',
        'AZURE_STORAGE_CONNECTION_STRING="UseDevelopmentStorage=true"',
      ],
    },
  },
  {
    // A bare storage account key (88 base64 chars ending `==`) next to an Azure storage name.
    id: 'azure-storage-account-key',
    title: 'Azure storage account key',
    provider: 'Azure',
    level: 'error',
    keywords: lower(AZURE_ACCOUNT_KEY_WORDS),
    pattern: near(AZURE_ACCOUNT_KEY_WORDS, '[A-Za-z0-9+/]{86}==', { edge: BASE64, tail: BASE64_TAIL }),
    entropy: 4.5,
    samples: {
      positive: [
        at('AZURE_STORAGE_KEY=§', 'BY7+9XQxToYQI1ssohy39ZGSJGc97xkUpRdpZsBOtbAPBmJWRvYUP5LAT1gzM5TFxkLCn4LLs9FNx2vokTO4nk=='),
        at('storage_account_key: "§"', 'J+6kjvGftfLV/dbCOmOU/VRMljouL5keHEh8EBVl5DujZ0hoxarP0hS/ou8voxl91CHST9GqMIvdejwO0tkc0j==', 'values.yaml'),
      ],
      negative: ['AZURE_STORAGE_KEY=VIROPb20RLnJf8N4fd/4iAUvaYdPxIVMIyKDjYEQD4h4nfIciq+H0mpdTyit==', 'AZURE_STORAGE_ACCOUNT=acmeprod', 'other_blob: 1crg/Z9kIx4af8ftLreFlF6T5lmifw2HY7KPJv1NrfrIf6+3cPdskKxdSWnDpURlMVG/hK7qVvNQjoS7XW/Y7C=='],
    },
  },
  {
    // Entra ID (Azure AD) client secrets since 2022: 3 chars, a digit, `Q~`, then 31–34 chars.
    id: 'azure-ad-client-secret',
    title: 'Azure AD (Entra ID) application client secret',
    provider: 'Azure',
    level: 'error',
    keywords: ['q~'],
    pattern: token('[0-9A-Za-z_~.]{3}[0-9]Q~[0-9A-Za-z_~.\\-]{31,34}', 'A-Za-z0-9_~.\\-'),
    entropy: 3.5,
    samples: {
      positive: [
        at('AZURE_CLIENT_SECRET=§', 'Dpn8Q~9VOZyl1qi3AEq9aEJItDmOgma9PKANop5x'),
        at('  "clientSecret": "§",', 'ZYc6Q~diOSZWj3DuWh7cYcIwMe.OaNHn3uLyaV', 'appsettings.Production.json'),
      ],
      negative: ['AZURE_CLIENT_SECRET=ET36Q~PjmHhU0uBiczULFRfddM', 'AZURE_CLIENT_SECRET=CfH7Q-XihaHkIYq64tifNqh0rXWwbKUbEdTrY0cZ'],
    },
  },
  {
    // Entra ID (Azure AD) refresh token: `0.A` / `1.A` + 50+ url-safe (client and tenant), an optional
    // `.<digit>`, then `.Ag` + 250+ url-safe, sometimes a third `.A…` part. Long-lived (90 days,
    // sliding): it mints access tokens for the user. Found in MSAL/az CLI token caches and logs.
    id: 'azure-entra-refresh-token',
    title: 'Azure Entra ID (Azure AD) refresh token',
    provider: 'Azure',
    level: 'error',
    keywords: ['0.a', '1.a'],
    pattern: token('[01]\\.A[0-9A-Za-z_\\-]{50,2000}(?:\\.[0-9])?\\.Ag[0-9A-Za-z_\\-]{250,6000}(?:\\.A[0-9A-Za-z_\\-]{200,4000})?', 'A-Za-z0-9_\\-.'),
    entropy: 4.5,
    redactPrefix: '0.A',
    samples: {
      positive: [
        at('"secret": "§",', '0.AV74OWBhhkKrpGbSUtzE00K9VjUUAgIofREO23S_9ldMZNONZjjs7lQCVLvcgnN0ME5FnQh.AgABAAEAAAD02UjTVt-Z_U1m9GTnPc8Y0_lme_9jXS8Z6UNoGtaCgrFE_4Ja-ArGRnwwjUMMLxVHRlnXYBCVDRghEFyNTQDHnD798Lyl1Sa_SdlGLiOHICoiCGXpSRHepnv__hiYPqcNZWF2JYfuzU7vrij-YTPnXQkPfrxoZLQn1S9J2V85MFL3bcru7DoQnM09Kf1-7xz2tX6brWsX0BUuwvx_VdiHYusc-gPjfpUGQDEoXymHHptpWC3pYN4Ey2NMMGg094QJYnfOO97IJ8d19WTRY3hp_I9vTkBGHSAnGM7tdPbDx47fWKDhheAl2TJ1rqygoE8', '.azure/msal_token_cache.json'),
        at('refresh_token=§&grant_type=refresh_token', '1.Ac7MJ2xECGGyM_k7ixKwNZkGd6iBU_p8MpQ-PDEWEGASDaPTw_jDt4nlgaMIrTxxYayOrRV.AgABAAEAAADvoAshmADlYLpyYOqLCKU11kCupFmtRArRkh9U2Ss6pBwlTdUP63O2ewCvGos-CBdYpZolPabJlIHiGW1WrlNW8As_8MOwPg9uOh35SbDkHbrvzR3QJkI3UzOT8FczIGB-406R73UTMq7mj_JEiXoVhtWDY_mBbvyloQ2bsJttYfa1yZL4pL-hAZWNZYQIdIyrtfxP5zXHXyWs1jZX_7e8ydgG5WYROHHUYs_MRfFs6UaSo9v-KIG3E9vB8XHfHifE2QDE2pkIDalUD8dHZQm3_I7ugSIZmIjWgPp4LEyHgTB0iOkRm2CakzN4avlDm_B'),
      ],
      negative: [
        // Too short after `.Ag` (a truncated paste), and a version string that starts alike.
        'REFRESH_TOKEN=0.AV74OWBhhkKrpGbSUtzE00K9VjUUAgIofREO23S_9ldMZNONZjjs7lQCVLvcgnN0ME5FnQh.AgABAAEAAAD02UjTVt-Z_U1m9GTnPc8Y0',
        'version: 1.A.0-beta',
      ],
    },
  },
  {
    // Shared access signature: a URL query with SAS parameters (sv, sp, se, sr…) and `sig=`, the
    // base64 HMAC-SHA256 (44 chars, often URL-encoded). The signature is the secret.
    id: 'azure-sas-token',
    title: 'Azure shared access signature (SAS) token',
    provider: 'Azure',
    level: 'error',
    keywords: ['sig='],
    pattern:
      /[?&]s[a-z]{1,4}=[^\s"'<>&?]{1,100}(?:&[a-z]{2,6}=[^\s"'<>&?]{0,100}){0,12}&sig=(?<secret>[A-Za-z0-9%/+]{40,100}=?)(?![A-Za-z0-9%/+=])/,
    entropy: 4,
    samples: {
      positive: [
        at(
          'BACKUP_URL=https://acmeprod.blob.core.windows.net/backups?sv=2022-11-02&ss=b&srt=sco&sp=rwdlac&se=2026-12-31T00:00:00Z&spr=https&sig=§',
          'Us7UL8NQD+u0RWKyOGu2K2dwfNgglC/J/DFvrKM898Q%3D',
        ),
        at('  sasUrl: "https://acme.blob.core.windows.net/c/f.zip?sp=r&st=2025-01-01T00:00:00Z&se=2027-01-01T00:00:00Z&spr=https&sv=2022-11-02&sr=b&sig=§"', '7cllhFw90Lts812J9IKoH+WbFFuJyiAu2esoFK+x0Qw=', 'deploy.yaml'),
      ],
      negative: [
        'https://acme.blob.core.windows.net/c/f.zip?sv=2022-11-02&sig=short',
        'https://api.acme.dev/callback?sig=9soLoaVT3Q/T9dym+gCn4t55brZZHQNOUb48TNDqo14%3D',
        'url = "?sv=2022-11-02&sp=r&sig={{ sas_signature }}"',
      ],
    },
  },
  {
    // Azure DevOps PATs issued since 2024: 84 base62 characters with the `AZDO` signature at 76–79.
    id: 'azure-devops-pat',
    title: 'Azure DevOps personal access token',
    provider: 'Azure',
    level: 'error',
    keywords: ['azdo'],
    pattern: token('[0-9A-Za-z]{76}AZDO[0-9A-Za-z]{4}'),
    entropy: 4,
    samples: {
      positive: [at('AZURE_DEVOPS_PAT=§', 'PUijod5LH8QpZvWsg3hfdKvR4HcwXabd0O9bXiUgDPoZpsNGAKeI0vedroVngPeyHlGaVJ2cldQNAZDOMy04'), at('  azdoToken: §', 'bCVTTjtis0HKn0zM8ASBYc4ShTO61wtsRUGtEuEGlQXzr7oRUA3Ds969oFp6cvmNveAvAngfKQtoAZDOz89w', 'pipeline.yml')],
      negative: ['AZURE_DEVOPS_PAT=aXT6CnXhUZ2z2eyfMQL1JT6cT9WU3QhbOneKIw2Q3wPKERJKIlWOkwkZp61zAZDO5LJb', 'AZURE_DEVOPS_PAT=UdQT29NM58W1GKXny3T7UcjRr35Cdg20oMEw0mq3U9EGM2pVOzUoNQOYh1atAADTdgUcaV2pDunEAZDXyePX'],
    },
  },
  {
    // Older Azure DevOps PATs: 52 characters of lower-case base32, no prefix.
    id: 'azure-devops-pat-legacy',
    title: 'Azure DevOps personal access token (legacy 52-char)',
    provider: 'Azure',
    level: 'error',
    keywords: ['azure_devops', 'azuredevops', 'azure-devops', 'dev.azure.com', 'ado_pat', 'azdo_pat'],
    pattern: near(['azure_devops', 'azuredevops', 'azure-devops', 'dev.azure.com', 'ado_pat', 'azdo_pat'], '[a-z2-7]{52}', { gap: 60 }),
    entropy: 4,
    samples: {
      positive: [
        at('AZURE_DEVOPS_EXT_PAT=§', 'itcesjc37mbfw6io777l3mrovjyoi7xmxicvjwfbplk4dy6jucdz'),
        at('  url: https://dev.azure.com/acme, pat: §', 'mrdemwfzto3hk3vvagu5itbho6yyyuor777we45kjm6dvig6pj4i'),
      ],
      negative: ['AZURE_DEVOPS_EXT_PAT=rt4xcb6adtq6o6hhotqbha4x7kaqeehtlnye3e4e', 'AZURE_DEVOPS_ORG=https://dev.azure.com/acme'],
    },
  },
  {
    // Service Bus / Event Hubs / Relay connection strings: `SharedAccessKey=` + 32 bytes of base64 (44 chars).
    id: 'azure-shared-access-key',
    title: 'Azure Service Bus / Event Hubs shared access key',
    provider: 'Azure',
    level: 'error',
    keywords: ['sharedaccesskey='],
    pattern: /SharedAccessKey=(?<secret>[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=)(?![A-Za-z0-9+/=])/,
    entropy: 4,
    samples: {
      positive: [
        at('SERVICEBUS_CONNECTION=Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=§', '49ZN+ERLZKNSu8+Z3mZIYdMZY4iFsTpI5E9Joc7ficE='),
        at('"EventHub": "Endpoint=sb://acme-events.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=§;EntityPath=orders"', '6qUwtB5qpRjT6K23RhbfLkD8qi4skenxMo/7ti2z5Ig=', 'local.settings.json'),
      ],
      negative: ['Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=W/4L+Moqr+pPs+9Fk5c6=', 'SharedAccessKey=<your-key>'],
    },
  },
  {
    // Alibaba Cloud AccessKey ID: `LTAI` + 12–20 base62 characters.
    id: 'alibaba-access-key-id',
    title: 'Alibaba Cloud AccessKey ID',
    provider: 'Alibaba Cloud',
    level: 'error',
    keywords: ['ltai'],
    pattern: token('LTAI[0-9A-Za-z]{12,20}'),
    entropy: 3.5,
    redactPrefix: 'LTAI',
    pair: { with: 'alibaba-access-key-secret', id: 'alibaba-access-key-pair', title: 'Alibaba Cloud AccessKey pair' },
    samples: {
      positive: [at('ALIBABA_CLOUD_ACCESS_KEY_ID=§', 'LTAIMcK9NPuLc0T39CRWoAVj'), at('access_key_id: §', 'LTAISm2tGMBLsYAImHzI', 'oss.yaml')],
      negative: ['ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI5GMBKVEw', 'ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI6fcrOLJYMci52OxvvDEnjd8LHo68Jz'],
    },
  },
  {
    // Alibaba Cloud AccessKey secret: 30 base62 characters, no prefix.
    id: 'alibaba-access-key-secret',
    title: 'Alibaba Cloud AccessKey secret',
    provider: 'Alibaba Cloud',
    level: 'error',
    keywords: lower(ALIBABA_WORDS),
    pattern: near(ALIBABA_WORDS, '[0-9A-Za-z]{30}'),
    entropy: 4,
    samples: {
      positive: [at('ALIBABA_CLOUD_ACCESS_KEY_SECRET=§', 'W20IUWp1Dzsq7tiAUOYACmBfgQRO9r'), at('aliyun_secret = "§"', '39PMzcO0R0hAy0b1jIpmUx6NVwqCPh', 'settings.py')],
      negative: ['ALIBABA_CLOUD_ACCESS_KEY_SECRET=YHmZYvuq5rIN4Ov4KnCZJsJS', 'ALIBABA_REGION=cn-hangzhou-gEu8hbwcvvP7WzuzuCZcGdySsPvz3c-x'],
    },
  },
  {
    // Tencent Cloud SecretId: `AKID` + 32 base62 characters.
    id: 'tencent-secret-id',
    title: 'Tencent Cloud SecretId',
    provider: 'Tencent Cloud',
    level: 'error',
    keywords: ['akid'],
    pattern: token('AKID[0-9A-Za-z]{32}'),
    entropy: 3.5,
    redactPrefix: 'AKID',
    samples: {
      positive: [at('TENCENTCLOUD_SECRET_ID=§', 'AKIDmc2zoMwOnUCHyR7lRlivq7T1yzjxD7si'), at("cred = credential.Credential('§', secret_key)", 'AKIDuyfLu4UYePBaNUMHIM2b8BUOZXxcDcyv', 'cvm.py')],
      negative: ['TENCENTCLOUD_SECRET_ID=AKIDNLI0vPFRbQFrzb1vHuOz', 'TENCENTCLOUD_SECRET_ID=AKIDZ8CZilkYPf8QhsbDKESH6jLK9z4ZSBRaNWt'],
    },
  },
  {
    // IBM Cloud IAM API key: 44 base64url characters, no prefix.
    id: 'ibm-cloud-api-key',
    title: 'IBM Cloud API key',
    provider: 'IBM Cloud',
    level: 'error',
    keywords: ['ibm_cloud', 'ibmcloud', 'ibm-cloud', 'ibm_api_key'],
    pattern: near(['ibm_cloud', 'ibmcloud', 'ibm-cloud', 'ibm_api_key'], '[0-9A-Za-z_\\-]{44}'),
    entropy: 4,
    samples: {
      positive: [at('IBMCLOUD_API_KEY=§', 'pOaWGRACo7M2-uq1SM8tUU1Q26RIB5NZoHDP8U0YKR_M'), at('ibm_cloud_apikey: "§"', 'wEobjti4AfgZEn5BtNIrf0KwOz6Qc3e89q-is8uKHh-J', 'terraform.tfvars')],
      negative: ['IBMCLOUD_API_KEY=c0HOnSFwoqOA-GLnShouOItBF5CBBT', 'IBMCLOUD_REGION=us-south'],
    },
  },
  {
    // Yandex Cloud API key: `AQVN` + 35–38 base64url characters.
    id: 'yandex-cloud-api-key',
    title: 'Yandex Cloud API key',
    provider: 'Yandex Cloud',
    level: 'error',
    keywords: ['aqvn'],
    pattern: token('AQVN[0-9A-Za-z_\\-]{35,38}'),
    entropy: 3.5,
    redactPrefix: 'AQVN',
    samples: {
      positive: [at('YC_API_KEY=§', 'AQVNztc-D0PhDXHJUDj3NeAlMcyCRth9cEiTZGbF'), at('Authorization: Api-Key §', 'AQVNGOjjyXh1MPRXtRaL_MLbjcA-Rvb-wYnIxYRuog')],
      negative: ['YC_API_KEY=AQVNwfGV4B7f7LCSV4wsDZ3O', 'YC_API_KEY=AQVNlmZpApKacahAUIg7Wbyg2VT24hmcdg7mImp84ZqaT6jWIvRu4I'],
    },
  },
  {
    // Scaleway access key: `SCW` + 17 upper-case alphanumerics.
    id: 'scaleway-access-key',
    title: 'Scaleway access key',
    provider: 'Scaleway',
    level: 'error',
    keywords: ['scw'],
    pattern: token('SCW[0-9A-Z]{17}'),
    entropy: 3,
    redactPrefix: 'SCW',
    pair: { with: 'scaleway-secret-key', id: 'scaleway-key-pair', title: 'Scaleway access key + secret key' },
    samples: {
      positive: [at('SCW_ACCESS_KEY=§', 'SCWM8XBECGUKFAGQAT3V'), at('access_key: "§"', 'SCWUOFF9BZWTNY2YD96X', 'scw-config.yaml')],
      negative: ['SCW_ACCESS_KEY=SCW1G17I0DZAY', 'SCW_DEFAULT_REGION=fr-par'],
    },
  },
  {
    // Scaleway secret key: a UUID next to a Scaleway name.
    id: 'scaleway-secret-key',
    title: 'Scaleway secret key',
    provider: 'Scaleway',
    level: 'error',
    keywords: ['scw_secret', 'scaleway'],
    pattern: near(['scw_secret', 'scaleway'], UUID),
    samples: {
      positive: [at('SCW_SECRET_KEY=§', '361919d6-e970-bc4f-5d78-6bdf2b693d20'), at('scaleway_secret_key = "§"', 'c6572eef-ee94-68db-f179-50b43e78c954', 'main.tfvars')],
      negative: ['SCW_SECRET_KEY=a97da77a-07a2', 'SCW_DEFAULT_PROJECT_ID=not-a-uuid'],
    },
  },
  {
    // Linode (Akamai) personal access token: 64 lower-case hex characters.
    id: 'linode-token',
    title: 'Linode personal access token',
    provider: 'Linode',
    level: 'error',
    keywords: ['linode'],
    pattern: near(['linode'], '[0-9a-f]{64}'),
    entropy: 3.5,
    samples: {
      positive: [at('LINODE_TOKEN=§', '6a412bb93c514fb4cdcc2246d8be519eede728cadc478d7c1dc3d4fcdf8e818d'), at('linode_api_token: "§"', '5878e2f3880bf4e2c3cafc27c2caa0797ca2993966f5cb7df16164d177190755', 'group_vars/all.yml')],
      negative: ['LINODE_TOKEN=68f8f04f00ba5a985c05f2d0d5f445395c36e9a1', 'LINODE_REGION=us-east'],
    },
  },
  {
    // Hetzner Cloud API token: 64 base62 characters.
    id: 'hetzner-cloud-token',
    title: 'Hetzner Cloud API token',
    provider: 'Hetzner',
    level: 'error',
    keywords: ['hcloud', 'hetzner'],
    pattern: near(['hcloud', 'hetzner'], '[0-9A-Za-z]{64}'),
    entropy: 4,
    samples: {
      positive: [at('HCLOUD_TOKEN=§', 'wBgjssd5nraJgw3EoPP4Izs3MC6cn5SINQdlaZFllJyud0oRR3TbZPoHOWqPTiZ0'), at('hetzner_token = "§"', 'DuPcaMMKgKHbleyCa8v3ExSLOoBlqQh3izSb3QGaVrDabswUMOnaDu9EliQxuv2d', 'prod.tfvars')],
      negative: ['HCLOUD_TOKEN=fJMIl4nD0B9L2CzwHBTnhpJSw5jbcXcl', 'HCLOUD_TOKEN=1Op8Dy73ghPDhReKmSLTPusioD4kdSsog3JZDAaAWXOAN7FQG0slGPb5hsMyakicuqWSam'],
    },
  },
  {
    // Vultr API key: 36 upper-case alphanumerics.
    id: 'vultr-api-key',
    title: 'Vultr API key',
    provider: 'Vultr',
    level: 'error',
    keywords: ['vultr'],
    pattern: near(['vultr'], '[0-9A-Z]{36}'),
    entropy: 4,
    samples: {
      positive: [at('VULTR_API_KEY=§', 'AMY9CBF95NO6XA85AL3DOEHVHOSM6Q9V011T'), at('vultr_api_key: §', '5HUF4EUW52749W1CN59A4X8L6GKR8RPJ5RAU', 'inventory.yml')],
      negative: ['VULTR_API_KEY=8OSOSESSXLB8H297DGRV', 'VULTR_API_KEY=ql2shsksc7xz4idvlc0dxblziaour4yw4asi'],
    },
  },
];
