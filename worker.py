"""The job queue's entry point, beside wsgi.py: with REDIS_URL set, run `huey_consumer worker.huey`.

Importing the modules that define tasks registers them with the one Huey instance.
"""

import governance.agreements.tasks  # (render_drafts, issue_version, retry_stalled)
import governance.mail
import governance.notifications.chat
import governance.notifications.tasks
import governance.outbox  # noqa: F401  (outbox.run, hand_on_outbox: every minute)
import proposals.pledging.tasks  # noqa: F401  (settle_due_campaigns: every minute)
import voting.tasks  # noqa: F401  (close_due_votes: every minute)
from governance.jobs import huey

__all__ = ["huey"]
