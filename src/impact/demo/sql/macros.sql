-- Pseudo-randomness is a hash of (seed, key, salt), never random(): the same seed gives the
-- same rows whatever the thread count or scheduling.
create or replace macro rnd(k, salt) as
    (hash(getvariable('seed'), k, salt) >> 11)::double / 9007199254740992.0;

create or replace macro pick(k, salt, n) as
    (hash(getvariable('seed'), k, salt) % (n)::ubigint)::bigint;

create or replace macro hex16(k, salt) as
    format('{:016x}', hash(getvariable('seed'), k, salt));

-- A version-4 shaped UUID built from two hashes.
create or replace macro uuid_from(h1, h2) as
    format(
        '{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}',
        h1 >> 32,
        (h1 >> 16) & 65535::ubigint,
        h1 & 4095::ubigint,
        ((h2 >> 48) & 16383::ubigint) | 32768::ubigint,
        h2 & 281474976710655::ubigint
    );

create or replace macro uuid_of(k, salt) as
    uuid_from(hash(getvariable('seed'), k, salt), hash(getvariable('seed'), k, salt || '.2'));

-- A timestamp drawn uniformly from [t0, t1), at microsecond resolution.
create or replace macro ts_between(k, salt, t0, t1) as
    make_timestamp(epoch_us(t0) + pick(k, salt, epoch_us(t1) - epoch_us(t0)));

create or replace macro account_id_of(account_no) as format('acc_{:05d}', account_no);

create or replace macro iso_z(ts) as strftime(ts, '%Y-%m-%dT%H:%M:%SZ');

-- Some exports render local time with an explicit offset; readers must normalise to UTC.
create or replace macro iso_offset(ts, offset_hours) as
    case
        when offset_hours = 0 then iso_z(ts)
        else strftime(ts + to_hours(offset_hours), '%Y-%m-%dT%H:%M:%S')
            || format('+{:02d}:00', offset_hours)
    end;
