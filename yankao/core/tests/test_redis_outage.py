"""Redis out of reach for a while (a restart, a failover), with a real redis-server
stopped and started again: the cache answers as a miss, the rate limits count in the
process, and a job that cannot be queued waits in the database until the worker queues it
(decision 0149)."""

import logging
import time

import pytest
from huey import crontab
from redis.exceptions import ConnectionError as RedisConnectionError

from yankao.core.cache import OUTAGE_PAUSE, ResilientRedisCache, outage_for, redis_address
from yankao.core.models import HeldTask
from yankao.core.queue import HoldingRedisHuey, held_tasks_release


def a_cache(server, **options) -> ResilientRedisCache:
    return ResilientRedisCache(server.url, {"OPTIONS": {"socket_connect_timeout": 1,
                                                        "socket_timeout": 2, **options}})


@pytest.fixture
def no_pause(redis_server):
    """Redis is tried again at once after a failure (the pause is a second by default)."""
    outage = outage_for(redis_server.url)
    outage.pause = 0.0
    yield outage
    outage.pause = OUTAGE_PAUSE
    outage.ended()


def test_the_cache_answers_as_a_miss_while_redis_is_out_of_reach(redis_server, no_pause,
                                                                  caplog):
    cache = a_cache(redis_server)
    cache.set("policy", "v1", None)
    assert cache.get("policy") == "v1"

    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger="yankao.cache"):
        assert cache.get("policy") is None
        assert cache.get("policy", "default") == "default"
        cache.set("policy", "v2", None)  # not kept, and no error
        assert cache.add("policy", "v3", None) is False
        with pytest.raises(ValueError):
            cache.incr("counter")  # as for a key that is not there
        assert cache.get_many(["policy", "other"]) == {}
        assert cache.has_key("policy") is False
        assert cache.delete("policy") is False
        assert cache.set_many({"a": 1, "b": 2}) == []
        cache.delete_many(["a", "b"])
        assert cache.touch("policy") is False
        assert cache.clear() is False

        redis_server.start()  # without persistence: empty again
        assert cache.get("policy") is None
        cache.set("policy", "v4", None)
        assert cache.get("policy") == "v4"
    said = [record.getMessage() for record in caplog.records]
    # Told once when the outage began and once when it ended, not at every operation.
    assert len(said) == 2 and "out of reach" in said[0] and "answers again" in said[1], said


def test_after_a_failure_redis_is_not_tried_again_for_a_moment(redis_server):
    cache = a_cache(redis_server)
    outage = outage_for(redis_server.url)
    outage.pause = 60.0  # a slow machine's restart of Redis stays within it
    try:
        redis_server.stop()
        assert cache.get("key") is None
        assert outage.skipping()
        redis_server.start()
        cache_again = a_cache(redis_server)
        # Within the pause nothing goes to Redis, though it answers again.
        assert cache_again.add("key", 1, 60) is False
        outage.until = time.monotonic()  # the pause is over
        assert cache_again.add("key", 1, 60) is True
        assert not outage.skipping()
    finally:
        outage.pause = OUTAGE_PAUSE
        outage.ended()


def test_the_rate_limits_count_in_the_process_while_redis_is_away(redis_server, no_pause):
    counter = a_cache(redis_server, outage_fallback="local")
    assert counter.add("rl:1.2.3.4", 0, 60) is True
    assert counter.incr("rl:1.2.3.4") == 1

    redis_server.stop()
    # django-ratelimit's steps: add the key, then count up: still counted, in this process.
    assert counter.add("rl:5.6.7.8", 0, 60) is True
    assert [counter.incr("rl:5.6.7.8") for _ in range(3)] == [1, 2, 3]
    assert a_cache(redis_server, outage_fallback="local").get("rl:5.6.7.8") == 3

    redis_server.start()
    assert counter.get("rl:5.6.7.8") is None  # Redis again: its own counts


def test_the_log_names_the_server_without_its_password():
    assert redis_address("redis://:s3cret@10.0.0.5:6380/2") == "10.0.0.5:6380/2"
    assert redis_address("rediss://user:s3cret@cache.city.gov.tw/1") == "cache.city.gov.tw:6379/1"
    assert redis_address("unix:///run/redis.sock?db=1") == "/run/redis.sock"


def test_a_wrong_fallback_is_refused(redis_server):
    with pytest.raises(ValueError, match="outage_fallback"):
        a_cache(redis_server, outage_fallback="disk").get("key")


@pytest.fixture
def huey(redis_server):
    return HoldingRedisHuey(f"yankao-test-{redis_server.port}", url=redis_server.url,
                            connection_options={"socket_connect_timeout": 1,
                                                "socket_timeout": 2})


def test_a_job_that_cannot_be_queued_waits_in_the_database(db, redis_server, huey, caplog):
    @huey.task()
    def double(value):
        return value * 2

    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger="yankao.queue"):
        result = double(21)  # after a commit, as a notice is queued: no error
        double(1)
    assert result is not None and result.id
    first, _second = HeldTask.objects.order_by("pk")
    assert "double" in first.name and first.message
    # One line when the queue is first missed, not one per job.
    [said] = [record.getMessage() for record in caplog.records]
    assert "out of reach" in said and "held in the database" in said

    assert held_tasks_release(huey) == 0  # still out of reach: they wait
    assert HeldTask.objects.count() == 2

    redis_server.start()
    assert held_tasks_release(huey) == 2
    assert not HeldTask.objects.exists()
    assert huey.pending_count() == 2
    task = huey.dequeue()
    assert task.id == result.id
    assert huey.execute(task) == 42


def test_the_held_jobs_go_out_oldest_first(db, redis_server, huey):
    @huey.task()
    def note(value):
        return value

    redis_server.stop()
    for value in range(5):
        note(value)
    redis_server.start()
    assert huey.held == 5
    assert held_tasks_release(huey) == 5
    note(5)  # the queue reached again
    assert huey.held == 0
    assert [huey.execute(huey.dequeue()) for _ in range(6)] == [0, 1, 2, 3, 4, 5]


def test_a_periodic_job_is_not_held(db, redis_server, huey):
    @huey.periodic_task(crontab(minute="*"))
    def tick():
        return None

    redis_server.stop()
    with pytest.raises(RedisConnectionError):
        huey.enqueue(tick.s())  # the scheduler runs it again at its next time
    assert not HeldTask.objects.exists()
