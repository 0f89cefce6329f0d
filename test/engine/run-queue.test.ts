import { describe, expect, it } from 'vitest';
import { RunQueue } from '../../src/engine/run-queue.js';

/** A job whose runs the test releases one by one. */
function gatedJob() {
  const releases: Array<() => void> = [];
  let runs = 0;
  let concurrent = 0;
  let maxConcurrent = 0;
  const job = async () => {
    runs++;
    concurrent++;
    maxConcurrent = Math.max(maxConcurrent, concurrent);
    await new Promise<void>((resolve) => releases.push(resolve));
    concurrent--;
    return runs;
  };
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  return { job, releases, tick, runs: () => runs, max: () => maxConcurrent };
}

const stoppedError = () => new Error('stopped');

describe('RunQueue', () => {
  it('holds requests until resumed, then runs once for all of them', async () => {
    const g = gatedJob();
    const q = new RunQueue(g.job, stoppedError);
    q.request();
    q.request();
    await g.tick();
    expect(g.runs()).toBe(0);
    q.resume();
    await g.tick();
    expect(g.runs()).toBe(1);
    g.releases.shift()!();
    await g.tick();
    expect(g.runs()).toBe(1);
  });

  it('collapses any number of requests during a run into exactly one more run', async () => {
    const g = gatedJob();
    const q = new RunQueue(g.job, stoppedError);
    q.resume();
    q.request();
    for (let i = 0; i < 1000; i++) q.request();
    await g.tick();
    expect(g.runs()).toBe(1);
    g.releases.shift()!();
    await g.tick();
    expect(g.runs()).toBe(2);
    g.releases.shift()!();
    await g.tick();
    expect(g.runs()).toBe(2);
    expect(g.max()).toBe(1);
    await q.idle();
    expect(q.busy).toBe(false);
  });

  it('answers requestAndWait with a run that started after the call', async () => {
    const g = gatedJob();
    const q = new RunQueue(g.job, stoppedError);
    q.resume();
    q.request(); // run 1 in flight
    await g.tick();
    const answer = q.requestAndWait();
    g.releases.shift()!(); // run 1 ends; run 2 starts for our caller
    await g.tick();
    g.releases.shift()!();
    await expect(answer).resolves.toBe(2);
  });

  it('rejects waiters and refuses new work after stop, letting the run in flight end', async () => {
    const g = gatedJob();
    const q = new RunQueue(g.job, stoppedError);
    q.resume();
    q.request();
    await g.tick();
    const waiting = q.requestAndWait();
    q.stop();
    await expect(waiting).rejects.toThrow('stopped');
    await expect(q.requestAndWait()).rejects.toThrow('stopped');
    const idle = q.idle();
    g.releases.shift()!();
    await idle;
    q.request();
    await g.tick();
    expect(g.runs()).toBe(1);
  });

  it('a job that throws rejects its waiters and the queue keeps working', async () => {
    let calls = 0;
    const q = new RunQueue(async () => {
      calls++;
      if (calls === 1) throw new Error('boom');
      return calls;
    }, stoppedError);
    q.resume();
    await expect(q.requestAndWait()).rejects.toThrow('boom');
    await expect(q.requestAndWait()).resolves.toBe(2);
  });
});
