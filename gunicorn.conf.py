"""gunicorn's settings for Roundtable: gunicorn reads this file from the folder it is started in
(`gunicorn wsgi:app`; `-c FILE` names another). Command-line flags still choose workers, threads, binding."""


def post_worker_init(worker) -> None:
    """Each worker, once its app is loaded: set the objects every request shares aside from the garbage
    collector (governance.heap), so a full collection walks only what requests made."""
    from governance.heap import freeze  # in the worker, once gunicorn has loaded the app

    freeze(worker.wsgi)
