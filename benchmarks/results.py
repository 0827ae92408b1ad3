"""One row of the benchmark table, with its target."""

from dataclasses import asdict, dataclass, field

from benchmarks.loadclient import percentile


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    latencies: list[float] = field(repr=False, default_factory=list)
    errors: int = 0
    target_rate: float | None = None
    target_p99_ms: float | None = None
    notes: str = ""
    # CPU seconds spent during the measured run by the app server, PostgreSQL and the load client.
    cpu: dict[str, float] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def p(self, fraction: float) -> float:
        return percentile(self.latencies, fraction) * 1000

    def cpu_ms_per_request(self) -> float | None:
        if not self.cpu or not self.requests:
            return None
        return sum(self.cpu.values()) / self.requests * 1000

    def idle_machine_rate(self, cpus: int) -> float | None:
        """The rate this CPU cost per request allows when the machine runs nothing else."""
        per_request = self.cpu_ms_per_request()
        return cpus * 1000 / per_request if per_request else None

    @property
    def met(self) -> bool | None:
        if self.target_rate is None:
            return None
        ok = self.rate >= self.target_rate and self.errors == 0
        if self.target_p99_ms is not None:
            ok = ok and self.p(0.99) < self.target_p99_ms
        return ok

    def as_json(self) -> dict:
        data = asdict(self)
        del data["latencies"]
        data.update(
            rate=round(self.rate, 1),
            p50_ms=round(self.p(0.5), 1),
            p95_ms=round(self.p(0.95), 1),
            p99_ms=round(self.p(0.99), 1),
            met=self.met,
            cpu_ms_per_request=self.cpu_ms_per_request(),
        )
        return data
