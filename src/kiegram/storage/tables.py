"""Imports every table module so Base.metadata knows them all (Alembic, tests)."""

import kiegram.storage.billing_tables
import kiegram.storage.chat_answers
import kiegram.storage.chat_history
import kiegram.storage.conversations
import kiegram.storage.job_messages
import kiegram.storage.job_sends
import kiegram.storage.jobs_table
import kiegram.storage.polled_updates
import kiegram.storage.result_files  # noqa: F401
