// Steady load: a fixed arrival rate for a while, with latency and error thresholds.
// k6 run -e BASE_URL=http://gateway -e RATE=200 deploy/k6/steady.ts
import http from 'k6/http';
import { check } from 'k6';
import { Options } from 'k6/options';
import { baseUrl, body, jsonHeaders, path } from './common.ts';

const rate = Number(__ENV.RATE || 100);

export const options: Options = {
  scenarios: {
    steady: {
      executor: 'constant-arrival-rate',
      rate,
      timeUnit: '1s',
      duration: __ENV.DURATION || '5m',
      preAllocatedVUs: Math.max(10, rate / 10),
      maxVUs: rate * 2,
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.001'],
    http_req_duration: ['p(95)<200', 'p(99)<500'],
  },
};

export default function (): void {
  const response = http.post(`${baseUrl}${path}`, body, jsonHeaders);
  check(response, { 'status is 200': (r) => r.status === 200 });
}
