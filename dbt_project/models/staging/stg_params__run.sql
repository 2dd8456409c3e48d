select
    cast(as_of as timestamp) as as_of,
    run_id
from {{ source('params', 'run') }}
