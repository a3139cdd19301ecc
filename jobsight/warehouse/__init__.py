"""The data warehouse: a star schema in warehouse_db that the etl service keeps current from
the scraper's and users' events (plus a periodic catch-up) and rebuilds with an atomic swap.

``records`` checks payloads, ``load`` is the set-based loader, ``rebuild`` builds a fresh
schema and swaps it in, ``quality`` and ``aggregates`` run after loads, ``store`` is what the
etl service calls and ``adapters`` wires it into nameko.
"""
