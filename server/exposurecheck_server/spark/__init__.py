"""`--engine spark`: the pack build (and, later, the service build) as Apache Spark jobs, for inputs one machine
cannot build in time. PySpark is the optional extra `spark`; see docs/scale.md."""
