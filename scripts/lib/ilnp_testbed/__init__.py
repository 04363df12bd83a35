# The testbed tooling in Python: topology/experiment/inventory files (spec),
# link conditions, the emulated testbed (netns), real hosts (hosts), the
# experiment runner (runner). Entry points: scripts/testbed, scripts/experiment,
# scripts/deploy; the analysis is experiments/analyze.py.
