"""Reads of the flat part that should not grow with the factory (a fixed
10-loop board, a loop's history, the Shortage Risk page), sampled in turns
with the same reads of a reference world: a copy of the bench database
grown to one size (``--flat-reference`` loops) and held there.

The growing sizes are built and measured minutes apart, and this shared
machine's speed drifts by 15-20 % over minutes: the Shortage Risk page at
100 loops alone took 80 to 114 ms in five runs of one morning, as much as
the growth it is there to show.  In turns, a drift slows both worlds
alike, and the ratio is what the size costs (as the boards part does).  At
the reference size both worlds hold the same rows: that row's ratio shows
the noise left."""
import contextlib
import gc

from bench import measure
from bench.measure import log
from bench.session import DatabaseInUse, rolled_back


@contextlib.contextmanager
def reference_world(session, size, build):
    """``build(env, size)`` in a rolled-back transaction on a copy of the
    bench database, made here and dropped at the end; None when ``size`` is
    0 or the database cannot be copied (open elsewhere: a test run)."""
    with contextlib.ExitStack() as stack:
        world = None
        if size:
            try:
                (copy,) = stack.enter_context(session.copies(1))
            except DatabaseInUse as error:
                log('flatness: %s; the sizes are measured one after the other' % error)
            else:
                world = build(stack.enter_context(copy.transaction()), size)
        yield world


def one_sample(env, func, rollback):
    """(ms, queries, result) of one read from a cold ORM cache, as a new
    request; in a savepoint rolled back after the timing if ``rollback``."""
    with rolled_back(env) if rollback else contextlib.nullcontext():
        env.clear()
        gc.collect()
        return measure.timed(env, func)


def in_turns(sides, reps, warmup=2):
    """[(times, queries, last result)] per side ((env, func, rollback)):
    ``reps`` samples of each, the sides taking turns (in alternating order,
    ABBA), after ``warmup`` untimed rounds."""
    taken = [([], [], None) for _side in sides]
    with measure.frozen_heap():
        for index in range(warmup + reps):
            order = list(range(len(sides)))
            for side in order if index % 2 == 0 else order[::-1]:
                ms, queries, result = one_sample(*sides[side])
                if index >= warmup:
                    taken[side][0].append(ms)
                    taken[side][1].append(queries)
                    taken[side] = (taken[side][0], taken[side][1], result)
    return taken


def probe(samples):
    """A read's summary, with the rows its last sample returned."""
    times, queries, result = samples
    read = measure.summary(times, queries)
    read['rows'] = len(result) if isinstance(result, (list, tuple)) else None
    return read


def steady_probes(reads, reference_reads, reps, reference_size=None):
    """{key: summary} of each read ({key: (env, func, rollback)}), taken in
    turns with the same read of the reference world when there is one (its
    summary under ``reference``, with its ``size`` and ``paired_ratio``:
    the median of this side's times over its, turn by turn); ``reps``:
    {key: samples}."""
    probes = {}
    for key, side in reads.items():
        sides = [side] + ([reference_reads[key]] if reference_reads else [])
        taken = in_turns(sides, reps[key])
        probes[key] = probe(taken[0])
        if reference_reads:
            # as the signal's: the median of the ratios of the turns, each
            # pair 0.1 s apart at nearly the same machine speed
            probes[key]['reference'] = dict(
                probe(taken[1]), size=reference_size,
                paired_ratio=measure.median([a / b for a, b in zip(taken[0][0], taken[1][0])]))
    return probes
