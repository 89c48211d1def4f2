"""M/M/1 queue in SimPy 2.3 (Debian's python3-simpy), the baseline for the engine benchmark.

Same model as bench/mm1.ts: Poisson arrivals (rate 0.9), exponential service (rate 1.0), one
server, N customers. Prints one JSON line: customers, seconds, mean wait.
"""
import json
import random
import sys
import time

from SimPy.Simulation import Process, Resource, activate, hold, initialize, now, release, request, simulate

LAMBDA, MU = 0.9, 1.0


class Customer(Process):
    def visit(self, server, waits):
        arrived = now()
        yield request, self, server
        waits.append(now() - arrived)
        yield hold, self, random.expovariate(MU)
        yield release, self, server


class Source(Process):
    def generate(self, n, server, waits):
        for _ in range(n):
            c = Customer()
            activate(c, c.visit(server, waits))
            yield hold, self, random.expovariate(LAMBDA)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    random.seed(42)
    waits = []
    started = time.perf_counter()
    initialize()
    server = Resource(capacity=1)
    s = Source()
    activate(s, s.generate(n, server, waits))
    simulate(until=1e12)
    seconds = time.perf_counter() - started
    print(json.dumps({"customers": len(waits), "seconds": seconds, "meanWait": sum(waits) / len(waits)}))


if __name__ == "__main__":
    main()
