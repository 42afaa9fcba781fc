"""Where conversations (aiogram's FSM state and data) are kept, back-ends side by side as
aiogram keeps `fsm/storage/{base,memory,redis}.py`.

- `base`: `CachedStorage` (aiogram's `BaseStorage`, cached per update, optionally remembering
  the last conversations in memory) over any `ConversationRows`, and `ConversationScope`
  (the event isolation: one user's updates one at a time).
- `sql`: the rows in the `conversations` table (`storage/conversations.py`).
- `redis`: the rows in Redis, under aiogram's `RedisStorage` keys, with the per-user lock
  across instances.
"""
