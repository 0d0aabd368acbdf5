import type { Detector } from '../detector.js';
import { at, lower, near, token } from './shapes.js';

const TWITTER_WORDS = ['twitter', 'tweepy'];
const FACEBOOK_WORDS = ['facebook', 'fb_app_secret'];
const TWITCH_WORDS = ['twitch'];
const LINKEDIN_WORDS = ['linkedin'];
const SPOTIFY_WORDS = ['spotify'];
const REDDIT_WORDS = ['reddit'];

/** Social platforms: Twitter/X, Facebook, Instagram, Twitch, LinkedIn, Spotify, Reddit. */
export const socialDetectors: Detector[] = [
  {
    // Twitter/X app bearer token: 21 `A`s, then URL-encoded base64 (`%2F`, `%3D`).
    id: 'twitter-bearer-token',
    title: 'Twitter/X bearer token',
    provider: 'Twitter',
    level: 'error',
    keywords: ['aaaaaaaaaaaaaaaaaaaaa'],
    pattern: token('A{21}[0-9A-Za-z%]{80,130}'),
    entropy: 3.5,
    redactPrefix: 'AAAAAAAAAAAAAAAAAAAAA',
    samples: {
      positive: [at('TWITTER_BEARER_TOKEN=§', 'AAAAAAAAAAAAAAAAAAAAA203sc8hW0wI8IWtZeeUD4iNXdAcyPGitQw6DPycZH%3DDh2YiPTVPz7r5ZPRYfUxYX6RZEQQyRxTicitrSuhvO8eW'), at("client = tweepy.Client(bearer_token='§')", 'AAAAAAAAAAAAAAAAAAAAAMwZwm1V4JE62BzI1l5pc9wITJRqLHKV%2F8gNkH93Q87VgtEvVORab3fBnXoGn0wqKRRvu5N9aTTNljxnMZ6', 'bot.py')],
      negative: ['TWITTER_BEARER_TOKEN=AAAAAAAAAAAAAAAAAAAAAHyblX9iFQxM576DtNXGZs', 'padding = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"'],
    },
  },
  {
    // Twitter/X API key secret / access token secret: 45–50 base62 next to a Twitter name.
    id: 'twitter-api-secret',
    title: 'Twitter/X API secret',
    provider: 'Twitter',
    level: 'error',
    keywords: lower(TWITTER_WORDS),
    pattern: near(TWITTER_WORDS, '[0-9A-Za-z]{45,50}'),
    entropy: 4,
    samples: {
      positive: [at('TWITTER_API_SECRET=§', 'qlEieZYUXk0zbZEOMCrnHvtETBknN6nIwXjXg8jf2jsaiLMLkF'), at("twitter_access_token_secret: '§'", 'h8yYnWQeqa7PlBqwbvRMyfpHV4KWaG1g9dIWV2KEDpdq2', 'bot.yml')],
      negative: ['TWITTER_API_SECRET=KYdc3vKrLKfg0HtElDKU1Lc8G', 'TWITTER_HANDLE=@acme'],
    },
  },
  {
    // Twitter/X user access token: numeric user id + `-` + 40-ish base62, next to a Twitter name.
    id: 'twitter-access-token',
    title: 'Twitter/X access token',
    provider: 'Twitter',
    level: 'error',
    keywords: lower(TWITTER_WORDS),
    pattern: near(TWITTER_WORDS, '[0-9]{15,25}-[0-9A-Za-z]{20,50}'),
    entropy: 3.8,
    samples: {
      positive: [at('TWITTER_ACCESS_TOKEN=§', '1473348957103972452-PZDSZDpNhQiAIT1I88DaybzUUYZQTy7'), at("tweepy.OAuth1UserHandler(ck, cs, '§', ats)", '959084962253311228-YEhxVhyy0H9nXUB7R0U2CmRckvaiw1i', 'bot.py')],
      negative: ['TWITTER_ACCESS_TOKEN=5801019051386073429', 'TWITTER_ACCESS_TOKEN=8137009622879813057-u1fXYBwX'],
    },
  },
  {
    // Facebook / Meta Graph access token: `EAA` + app-id marker + 90+ base62 (Square's `EAAA` tokens are 64 chars).
    id: 'facebook-access-token',
    title: 'Facebook (Meta) access token',
    provider: 'Facebook',
    level: 'error',
    keywords: ['eaa'],
    pattern: token('EAA[0-9A-Za-z]{90,400}'),
    entropy: 4,
    redactPrefix: 'EAA',
    samples: {
      positive: [at('FACEBOOK_ACCESS_TOKEN=§', 'EAAGKSTIY1d2lt4HOKxeWk55L1r15kB3MyCdNBvSmDq2vx7fILHMnLIWPIbuoGlzWzYpiiX0Janv1YE9uRKRUOVDxQvdji2SpEXpAfVpOkPymoA2QKeh1mSOgK409V0kcNSsTIva1uIXInth5iYtERwptIHMPrGRw6abKZaCajuQZdYOPEDbovDY'), at("graph = facebook.GraphAPI(access_token='§')", 'EAABJVY5E4NgXgOXBE5aLvg1Jr95hYADlaqn58JlPHUXlzYLhv4GKADMH1RsHB0RnSMwC2Kl2xvflhaedOugFD02eWjHuHQWm3ekCy7AVRN4rOBZXJO1s1nV7IRshhav51d6LR04Q9SIs32mvu2cZxOR1b', 'post.py')],
      negative: ['FACEBOOK_ACCESS_TOKEN=EAAG7ooMk34d4FJSAcTgcwqlwknz6qpX7zejVTyoHfEY', 'SQUARE_ACCESS_TOKEN=EAAA0fipk7DuHNe5aCqGuswTCa0mEkgBG7lpOvvc4w5O1MEiJWIq0-MOCf9NKg6Cx_'],
    },
  },
  {
    // Facebook app secret: 32 hex next to a Facebook name.
    id: 'facebook-app-secret',
    title: 'Facebook (Meta) app secret',
    provider: 'Facebook',
    level: 'error',
    keywords: lower(FACEBOOK_WORDS),
    pattern: near(FACEBOOK_WORDS, '[0-9a-f]{32}'),
    entropy: 3.2,
    samples: {
      positive: [at('FACEBOOK_APP_SECRET=§', '256bf7e09d8405c6c6409389f89cb626'), at("facebook_app_secret: '§'", '396d0e3458ab52d98400960c2e181d17', 'social.yml')],
      negative: ['FACEBOOK_APP_ID=957841007780371', 'FACEBOOK_APP_SECRET=8865b0074ba1a93f985d'],
    },
  },
  {
    // Instagram Basic Display / Graph user token: `IGQV` (or `IGAA`) + 100+ base64url.
    id: 'instagram-access-token',
    title: 'Instagram access token',
    provider: 'Instagram',
    level: 'error',
    keywords: ['igqv', 'igaa'],
    pattern: token('IG(?:QV|AA)[0-9A-Za-z_\\-]{100,400}'),
    entropy: 4,
    redactPrefix: 'IGQV',
    samples: {
      positive: [at('INSTAGRAM_TOKEN=§', 'IGQVJDrm15Gv7iYwIRfa2_kBb887sKAZwczVKuguyxry-lxERI73PeZgMpnbMAsslUP75FF5u4D2bCDQIT8xBZMblPWyGwHHTMZaYPeDcDhsSgdfWc9Ts5f9lZBCLGSD_3lIhmmfE8GUeaHvDI7nn99cLk2'), at("ig_token: '§'", 'IGAAD8qrNNdwwU5aF6hYbbUS1q9A6_wsPypsKlat8gqFzesB7tW2f9xapHnE_f87jQ3Ue1Eq2FnOn0zUMi87wmskQefPcjoET6QHKPPIHdBVx55Rq3pCc7q6wSMUjv6TR-_mfNDqv4RD8Lfb', 'feed.yml')],
      negative: ['INSTAGRAM_TOKEN=IGQVJTbtxQpAjzAD6vT0o9y3VOSelmoYiGj', 'INSTAGRAM_USER=acme'],
    },
  },
  {
    // Twitch OAuth token / client secret: 30 lower-case alphanumerics next to a Twitch name.
    id: 'twitch-token',
    title: 'Twitch OAuth token or client secret',
    provider: 'Twitch',
    level: 'error',
    keywords: lower(TWITCH_WORDS),
    pattern: near(TWITCH_WORDS, '[0-9a-z]{30}'),
    entropy: 3.8,
    samples: {
      positive: [at('TWITCH_CLIENT_SECRET=§', 'vbbkithq5djroadb0bojlu7ia8pmfk'), at("twitch_oauth: 'oauth:§'", 'o6mv892ol6077shd9c3zqevfjntwvf', 'bot.yml')],
      negative: ['TWITCH_CLIENT_SECRET=6np3macsgsiz1t8u1czl', 'TWITCH_CHANNEL=acme_streams'],
    },
  },
  {
    // LinkedIn client secret: 16 base62 next to a LinkedIn name.
    id: 'linkedin-client-secret',
    title: 'LinkedIn client secret',
    provider: 'LinkedIn',
    level: 'error',
    keywords: lower(LINKEDIN_WORDS),
    pattern: near(LINKEDIN_WORDS, '[0-9A-Za-z]{16}', { gap: 25 }),
    entropy: 3.5,
    samples: {
      positive: [at('LINKEDIN_CLIENT_SECRET=§', 'F9JUHox9kqcu3gss'), at("linkedin_secret: '§'", 'FKyxdbG0buNZNqmx', 'oauth.yml')],
      negative: ['LINKEDIN_CLIENT_SECRET=0A6JfusZF5', 'LINKEDIN_COMPANY=acme-corp'],
    },
  },
  {
    // Spotify client secret: 32 hex next to a Spotify name.
    id: 'spotify-client-secret',
    title: 'Spotify client secret',
    provider: 'Spotify',
    level: 'error',
    keywords: lower(SPOTIFY_WORDS),
    pattern: near(SPOTIFY_WORDS, '[0-9a-f]{32}'),
    entropy: 3.2,
    samples: {
      positive: [at('SPOTIFY_CLIENT_SECRET=§', '1fec0921041589df4cb88d1ea81bd7b6'), at("spotify_secret: '§'", '8dc0c42d0402d387e5a0a64d51e22bac', 'music.yml')],
      negative: ['SPOTIFY_CLIENT_SECRET=d2efa1d29a544c67', 'SPOTIFY_REDIRECT_URI=http://localhost:8888/callback'],
    },
  },
  {
    // Reddit app secret: 27–30 base64url next to a Reddit name.
    id: 'reddit-client-secret',
    title: 'Reddit client secret',
    provider: 'Reddit',
    level: 'error',
    keywords: lower(REDDIT_WORDS),
    pattern: near(REDDIT_WORDS, '[0-9A-Za-z_\\-]{27,30}'),
    entropy: 3.8,
    samples: {
      positive: [at('REDDIT_CLIENT_SECRET=§', 'ntFnOOX_S6QOIrnCoXyngxcmuZ-'), at("reddit_secret: '§'", '9B1FzvOYfr3esurBH7HS8GFzG4TEDv', 'bot.yml')],
      negative: ['REDDIT_CLIENT_SECRET=1ARWFuX0XQsun7', 'REDDIT_USER_AGENT=acme-bot/1.0'],
    },
  },
];
