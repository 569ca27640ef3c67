// Canary split verification: the share of requests the canary serves must match its weight.
// The variant is read from the response header the gateway adds when Gateway:Canary:VariantHeader is set
// (e.g. x-gateway-variant), or from a JSON field of the model's answer.
// k6 run -e BASE_URL=http://gateway -e CANARY=model-v2 -e EXPECTED_SHARE=0.1 deploy/k6/canary-split.ts
import http from 'k6/http';
import { check } from 'k6';
import { Rate } from 'k6/metrics';
import { Options } from 'k6/options';
import { baseUrl, body, jsonHeaders, path } from './common.ts';

const canary = __ENV.CANARY || 'model-v2';
const expected = Number(__ENV.EXPECTED_SHARE || 0.1);
const tolerance = Number(__ENV.TOLERANCE || 0.02);
const variantHeader = (__ENV.VARIANT_HEADER || 'x-gateway-variant').toLowerCase();
const canaryShare = new Rate('canary_share');

export const options: Options = {
  scenarios: {
    split: { executor: 'shared-iterations', vus: 20, iterations: Number(__ENV.REQUESTS || 10000), maxDuration: '10m' },
  },
  thresholds: {
    canary_share: [`rate>${expected - tolerance}`, `rate<${expected + tolerance}`],
    http_req_failed: ['rate<0.001'],
  },
};

function variantOf(headers: { [name: string]: string }, responseBody: string | null): string {
  for (const name of Object.keys(headers)) {
    if (name.toLowerCase() === variantHeader) {
      return headers[name];
    }
  }

  try {
    const parsed = JSON.parse(responseBody || '{}') as { backend?: string; version?: string };
    return parsed.backend || parsed.version || '';
  } catch {
    return '';
  }
}

export default function (): void {
  const response = http.post(`${baseUrl}${path}`, body, jsonHeaders);
  check(response, { 'status is 200': (r) => r.status === 200 });
  const responseBody = typeof response.body === 'string' ? response.body : null;
  canaryShare.add(variantOf(response.headers, responseBody) === canary);
}
