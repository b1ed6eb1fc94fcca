"""burstwatch scenario generator: simulated DMAs with bursts, written as scenario folders
(CONTRACTS section 2). `generate.py` and `generate_suite.py` beside this package are the
command lines; `bwscen.scenario.generate` is the entry point for code and tests."""
