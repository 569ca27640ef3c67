// Rate-limit verification: sending at several times the limit from one client, about (1 - limit/sent) of the
// requests must be refused with 429 and carry Retry-After and the RateLimit headers.
// k6 run -e BASE_URL=http://gateway -e LIMIT_PER_SECOND=5 -e SEND_PER_SECOND=20 deploy/k6/rate-limit.ts
import http from 'k6/http';
import { check } from 'k6';
import { Rate } from 'k6/metrics';
import { Options } from 'k6/options';
import { baseUrl, body, jsonHeaders, path } from './common.ts';

const limit = Number(__ENV.LIMIT_PER_SECOND || 5);
const send = Number(__ENV.SEND_PER_SECOND || 20);
const expectedRejected = 1 - limit / send;
const tolerance = Number(__ENV.TOLERANCE || 0.05);
const rejected = new Rate('rate_limited');

export const options: Options = {
  scenarios: {
    over_limit: {
      executor: 'constant-arrival-rate',
      rate: send,
      timeUnit: '1s',
      duration: __ENV.DURATION || '1m',
      preAllocatedVUs: send,
    },
  },
  thresholds: {
    rate_limited: [`rate>${expectedRejected - tolerance}`, `rate<${expectedRejected + tolerance}`],
    checks: ['rate==1'],
  },
};

http.setResponseCallback(http.expectedStatuses({ min: 200, max: 299 }, 429));

export default function (): void {
  const response = http.post(`${baseUrl}${path}`, body, jsonHeaders);
  rejected.add(response.status === 429);
  check(response, {
    'answered 200 or 429': (r) => r.status === 200 || r.status === 429,
    'limited responses say when to retry': (r) => r.status !== 429 || (r.headers['Retry-After'] !== undefined && r.headers['Ratelimit'] !== undefined),
  });
}
