"""`{% load jobs %}`: a job's state in words for every page that shows one."""

from __future__ import annotations

from django import template

from lis1.jobs.models import Job
from lis1.jobs.services import job_stalled, job_waiting_for_worker

register = template.Library()


@register.filter
def waiting_for_worker(job: Job) -> bool:
    return job_waiting_for_worker(job)


@register.filter
def stalled(job: Job) -> bool:
    return job_stalled(job)


@register.inclusion_tag("includes/job_state.html")
def job_state(job: Job) -> dict[str, object]:
    return {
        "job": job,
        "waiting_for_worker": job_waiting_for_worker(job),
        "stalled": job_stalled(job),
    }
