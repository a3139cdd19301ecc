"""Command line: ``python -m jobsight.demo [--port 8100] [--seed 42] [--count 3000] [--day 0]``."""
import argparse

from jobsight.demo.server import serve


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the Jobsight demo job boards.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--day", type=int, default=0)
    args = parser.parse_args()
    serve(host=args.host, port=args.port, seed=args.seed, count=args.count, day=args.day)


if __name__ == "__main__":
    main()
