"""``python -m rnn_studio.zoo build [--only NAME ...]``: retrain the bundled models.

``--refresh-corpus`` first rewrites ``resources/texts/course.txt`` from the current lessons,
glossary, cards and quizzes (the next-character models then learn the new text). Without it
the build trains on the shipped corpus, so a rebuild gives the same models.
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    """Run the zoo command line; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m rnn_studio.zoo")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="train the bundled models and write them")
    build.add_argument("--only", nargs="+", metavar="NAME", help="rebuild only these models")
    build.add_argument("--refresh-corpus", action="store_true", help="rewrite course.txt first")
    args = parser.parse_args(argv)

    from rnn_studio.zoo.build import Built
    from rnn_studio.zoo.build import build as run_build

    if args.refresh_corpus:
        from rnn_studio.zoo.corpus import write_course_text

        path = write_course_text()
        print(f"wrote {path}", flush=True)

    def report(built: Built) -> None:
        entry = built.entry
        print(
            f"{entry['name']:<22} {entry['metric']} {entry['score']:.4f}  "
            f"({entry['baseline_name']} {entry['baseline']:.4f})  {built.seconds:6.1f} s",
            flush=True,
        )

    run_build(args.only, on_built=report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
