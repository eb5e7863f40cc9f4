"""The interceptor depletion and sustainability models.

    scenarios.py       scenario files (YAML in data/scenarios/): validated, with dotted overrides
    depletion.py       the Monte Carlo engine: stocks, shots, kills and leakers, day by day
    calibration.py     engagement probabilities solved to reproduce an observed interception rate
    sustainability.py  sustainable attack rates, required production, tornado
    sweep.py           grids of scenario values on one core, on every core or on Dask
"""
