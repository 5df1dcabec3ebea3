/** User agents. Each device keeps one for life, which is what makes it a usable fingerprint. */

export interface AgentRef {
  readonly userAgent: string;
  readonly weight: number;
}

const APP_VERSIONS = ['26.8', '26.9', '26.10', '26.11', '26.11'] as const;

const IOS_MODELS = ['iPhone15,4', 'iPhone16,1', 'iPhone16,2', 'iPhone17,1', 'iPhone17,3', 'iPhone14,5'] as const;
const IOS_VERSIONS = ['18.6', '19.0', '19.1', '19.1'] as const;
const ANDROID_MODELS = ['SM-S931B', 'SM-A556B', 'Pixel 9', 'Pixel 8a', 'CPH2609', 'SM-S921B', '2312DRA50G'] as const;
const ANDROID_VERSIONS = ['14', '15', '16'] as const;

/** Every combination, so two honest phones often share a user agent, as real phones do. */
export const APP_AGENTS: readonly AgentRef[] = [
  ...APP_VERSIONS.flatMap((v) =>
    IOS_MODELS.flatMap((m) => IOS_VERSIONS.map((os) => ({ userAgent: `ShopApp/${v} (iOS ${os}; ${m})`, weight: 1.2 }))),
  ),
  ...APP_VERSIONS.flatMap((v) =>
    ANDROID_MODELS.flatMap((m) => ANDROID_VERSIONS.map((os) => ({ userAgent: `ShopApp/${v} (Android ${os}; ${m})`, weight: 1 }))),
  ),
];

export const WEB_AGENTS: readonly AgentRef[] = [
  { userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36', weight: 0.22 },
  { userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36', weight: 0.08 },
  { userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36 Edg/142.0.0.0', weight: 0.08 },
  { userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:145.0) Gecko/20100101 Firefox/145.0', weight: 0.05 },
  { userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.1 Safari/605.1.15', weight: 0.14 },
  { userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36', weight: 0.1 },
  { userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 19_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.1 Mobile/15E148 Safari/604.1', weight: 0.16 },
  { userAgent: 'Mozilla/5.0 (Linux; Android 15; SM-S931B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Mobile Safari/537.36', weight: 0.1 },
  { userAgent: 'Mozilla/5.0 (iPad; CPU OS 19_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.1 Mobile/15E148 Safari/604.1', weight: 0.07 },
];

/** Shared family tablets: web on an iPad or an Android tablet. */
export const TABLET_AGENTS: readonly AgentRef[] = [
  { userAgent: 'Mozilla/5.0 (iPad; CPU OS 19_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.1 Mobile/15E148 Safari/604.1', weight: 0.7 },
  { userAgent: 'Mozilla/5.0 (Linux; Android 15; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36', weight: 0.3 },
];

/** Emulators and rooted phones: how rings run many accounts from few handsets. */
export const EMULATOR_AGENTS: readonly AgentRef[] = [
  { userAgent: 'ShopApp/26.11 (Android 14; sdk_gphone64_x86_64)', weight: 0.4 },
  { userAgent: 'ShopApp/26.9 (Android 13; SM-G960F)', weight: 0.3 },
  { userAgent: 'ShopApp/26.11 (Android 12; Redmi Note 8 Pro)', weight: 0.3 },
];

/** Scripted checkouts: headless browsers and stale desktop versions. */
export const AUTOMATION_AGENTS: readonly AgentRef[] = [
  { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/142.0.0.0 Safari/537.36', weight: 0.35 },
  { userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Safari/537.36', weight: 0.35 },
  { userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0', weight: 0.3 },
];
