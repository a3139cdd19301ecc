"""Run one saga in a process of its own and SIGKILL it after the work of a chosen step, before
that step is recorded: ``python -m tests.integration.saga_trial SAGA_ID STEP`` (suite environment).
The running coordinator then finds the saga where the log left it and carries it on."""
import os
import signal
import sys

from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import create_engine

from jobsight import config as config_module
from jobsight.coordination import flows
from jobsight.coordination.sagas import SagaLog, SagaRunner


def main(saga_id: str, kill_at: int) -> int:
    config = config_module.load()
    engine = create_engine(config_module.db_uri(config, "coordinator"))

    def checkpoint(record):
        if record.step == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    with ClusterRpcProxy(config, timeout=60) as rpc:
        runner = SagaRunner(SagaLog(engine), flows.KINDS, {"users": rpc.users, "scraper": rpc.scraper, "etl": rpc.etl},
                            checkpoint)
        for _ in range(50):
            if runner.run_once(saga_id) is None:
                return 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
