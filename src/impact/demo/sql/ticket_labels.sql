-- Ground truth per ticket (latest version, quarantined rows excluded), from what was planted:
--   cluster       the problem a ticket is about: the paraphrase problem, the incident (the
--                 regression and BUG-505 share their paraphrases' labels), or for ordinary
--                 tickets the template they were written from (faq-NN)
--   kind          paraphrase, incident or faq
--   triage_class  product_defect, suspected_defect, configuration or user_error_or_question,
--                 for paraphrased and incident tickets only (ordinary tickets carry no
--                 planted evidence either way)
--   defect_id     the defect a defect ticket belongs to (REGRESSION for the unfiled one)
--   error_code    the code of the events planted as its evidence
with

tickets as (
    select * from demo_tickets
    where is_latest and not is_bad
),

labelled as (
    select
        t.ticket_id,
        case
            when t.plant = 'PARAPHRASE' then p.problem
            when t.plant = 'REGRESSION' then 'invoice_pdf'
            when t.plant = 'BUG-505' then 'dashboard_timeout'
            when t.plant is not null then lower(t.plant)
            else format('faq-{:02d}', tt.template_no)
        end as cluster,
        case
            when t.plant = 'PARAPHRASE' then 'paraphrase'
            when t.plant is not null then 'incident'
            else 'faq'
        end as kind,
        case
            when t.plant = 'PARAPHRASE' then p.triage_class
            when t.plant = 'REGRESSION' then 'suspected_defect'
            when t.plant is not null then 'product_defect'
        end as triage_class,
        case when t.plant = 'PARAPHRASE' then p.defect_id else t.plant end as defect_id,
        coalesce(burst.error_code, incident.error_code) as error_code
    from tickets as t
    left join demo_paraphrases as p on t.ticket_key = p.ticket_key
    left join demo_templates as burst on p.burst_template_id = burst.template_id
    left join demo_templates as incident
        on coalesce(p.defect_id, t.plant) = incident.plant
    left join demo_ticket_templates as tt on t.plant is null and t.subject = tt.subject
)

select * from labelled
order by ticket_id;
