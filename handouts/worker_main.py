"""Entry point of a render worker process (`python -m handouts.worker_main`). Kept apart from
handouts/worker.py, which the serving process imports too: running that module itself with -m
would load it twice (once as part of the package, once as __main__)."""
from handouts.worker import main

main()
