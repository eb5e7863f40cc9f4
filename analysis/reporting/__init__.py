"""Reports: parameterized notebooks run by papermill and shared as self-contained HTML.

    runner.py        plans, runs (in worker processes) and indexes reports: `python -m analysis report`
    jobs.py          one job per notebook x parameter set, its cache key and its state on disk
    execute.py       one report: papermill, then nbconvert with the project's template
    dependencies.py  which package code a report depends on (its imports, traced with ast)
    index.py         reports/index.html
    parameters.py    the notebooks' parameters cells, read and checked
    summary.py       a report's headline figures with their uncertainty and provenance
    tables.py        tables formatted for readers
    plots/           figures in one house style (they draw; they compute no statistics)
    templates/       the nbconvert template (offline HTML)
"""
